/**
 * `medusa-payment-meum/storefront` is loaded in storefronts without Medusa's server packages and
 * without Next.js: its files import only each other and zod (type-only imports aside).
 */
import fs from "node:fs"
import path from "node:path"

const dir = path.resolve(__dirname, "..")
const files = fs.readdirSync(dir).filter((name) => name.endsWith(".ts"))

describe("storefront entry imports", () => {
  it("has source files to check", () => {
    expect(files).toEqual(expect.arrayContaining(["index.ts", "meum-checkout.ts", "return-url.ts"]))
  })

  it.each(files)("%s imports only sibling files and zod", (file) => {
    const text = fs.readFileSync(path.join(dir, file), "utf8")
    const runtime = [...text.matchAll(/^\s*(import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[2])
    const bare = [...text.matchAll(/^\s*import\s+"([^"]+)"/gm)].map((m) => m[1])
    const required = [...text.matchAll(/(?:require|import)\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1])
    for (const spec of [...runtime, ...bare, ...required]) {
      expect({ file, spec }).toEqual({ file, spec: expect.stringMatching(/^(zod|\.\/[\w-]+)$/) })
    }
  })
})
