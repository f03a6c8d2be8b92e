// `medusa exec` target of `npm run demo`: seeds once, then reuses what exists. Writes .demo/seed.json.
import fs from "node:fs"
import path from "node:path"
import type { ExecArgs } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { seedStore } from "../../integration-tests/helpers/seed-store"

export default async function seedDemo({ container }: ExecArgs) {
  const out = path.resolve(process.cwd(), ".demo", "seed.json")
  const apiKeys = container.resolve(Modules.API_KEY)
  const [existingKey] = await apiKeys.listApiKeys({ title: "Meum demo storefront", type: "publishable" })
  const regions = container.resolve(Modules.REGION)
  const products = container.resolve(Modules.PRODUCT)
  if (existingKey && fs.existsSync(out)) {
    const saved = JSON.parse(fs.readFileSync(out, "utf8"))
    const [region] = await regions.listRegions({ id: saved.regionId })
    const [product] = await products.listProducts({ handle: "meum-tee" })
    if (region && product) return
  }
  const seed = await seedStore(container)
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, JSON.stringify(seed, null, 2))
}
