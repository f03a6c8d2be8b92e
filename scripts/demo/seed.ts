// `medusa exec` target of `npm run demo`: seeds once, then reuses what exists (the delivery option
// is added to a store seeded before it existed). Writes .demo/seed.json.
import fs from "node:fs"
import path from "node:path"
import type { ExecArgs } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { seedStore, type SeededStore } from "../../integration-tests/helpers/seed-store"
import { ensureDemoShipping } from "./seed-shipping"

export default async function seedDemo({ container }: ExecArgs) {
  const out = path.resolve(process.cwd(), ".demo", "seed.json")
  const apiKeys = container.resolve(Modules.API_KEY)
  const [existingKey] = await apiKeys.listApiKeys({ title: "Meum demo storefront", type: "publishable" })
  const regions = container.resolve(Modules.REGION)
  const products = container.resolve(Modules.PRODUCT)
  let seed: SeededStore | undefined
  if (existingKey && fs.existsSync(out)) {
    const saved = JSON.parse(fs.readFileSync(out, "utf8")) as SeededStore
    const [region] = await regions.listRegions({ id: saved.regionId })
    const [product] = await products.listProducts({ handle: "meum-tee" })
    if (region && product) seed = saved
  }
  seed ??= await seedStore(container)
  const shippingOptionId = await ensureDemoShipping(container, { stockLocationId: seed.stockLocationId })
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, JSON.stringify({ ...seed, shippingOptionId }, null, 2))
}
