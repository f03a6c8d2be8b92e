import { isMeumProvider } from "../constants"

it("recognises every Meum registration's provider id, and only those", () => {
  expect(isMeumProvider("pp_meum_meum")).toBe(true)
  expect(isMeumProvider("pp_meum_meum_eu")).toBe(true)
  // Medusa's name for a registration without an id.
  expect(isMeumProvider("pp_meum")).toBe(true)
  expect(isMeumProvider("pp_meumish")).toBe(false)
  expect(isMeumProvider("pp_system_default")).toBe(false)
  expect(isMeumProvider(undefined)).toBe(false)
})
