/** Fixed counter windows, and the LIKE pattern that lists the counters of a key prefix. */
import { keyPrefixPattern, windowStartOf } from "../counter-window"

describe("counter windows", () => {
  it("puts every instant of a window in the same window, and the next instant in the next one", () => {
    const minute = 60_000
    const start = Date.parse("2026-12-05T10:00:00Z")
    expect(windowStartOf(start, minute).getTime()).toBe(start)
    expect(windowStartOf(start + minute - 1, minute).getTime()).toBe(start)
    expect(windowStartOf(start + minute, minute).getTime()).toBe(start + minute)
  })

  it("matches keys that start with the prefix, taking its own wildcards literally", () => {
    expect(keyPrefixPattern("webhook_rejected:")).toBe("webhook\\_rejected:%")
    expect(keyPrefixPattern("a%b\\c")).toBe("a\\%b\\\\c%")
  })
})
