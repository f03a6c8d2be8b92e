/**
 * A brand-new Medusa 2.21 app as `create-medusa-app` makes it, written by hand: that CLI asks
 * questions (the storefront prompt) and clones `medusajs/medusa-starter-default` from GitHub,
 * which CI cannot reach (only the npm registry). Same files in substance: package.json with the
 * @medusajs packages at this repo's versions, medusa-config.ts reading `.env` through loadEnv,
 * tsconfig, `.env`, and a seed script. The store it seeds is a merchant's, before Meum: a USD
 * region with only Medusa's system provider, a product, a publishable key and a flat-rate USD
 * shipping option (what create-medusa-app's seed gives a US store).
 * The admin is disabled: it is not on the payment path and building it costs CI minutes on 2 cores.
 */
import fs from "node:fs"
import path from "node:path"

const root = path.resolve(__dirname, "../..")
const repoPkg = require(path.join(root, "package.json"))

export function writeFreshApp(app: string, { databaseUrl }: { databaseUrl: string }) {
  const medusaVersion: string = repoPkg.devDependencies["@medusajs/medusa"]
  fs.mkdirSync(path.join(app, "src/scripts"), { recursive: true })
  fs.writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify(
      {
        name: "my-medusa-store",
        version: "0.0.1",
        private: true,
        scripts: { build: "medusa build", seed: "medusa exec ./src/scripts/seed.ts", start: "medusa start", dev: "medusa develop" },
        dependencies: {
          "@medusajs/medusa": medusaVersion,
          "@medusajs/framework": repoPkg.devDependencies["@medusajs/framework"],
          "@medusajs/cli": repoPkg.devDependencies["@medusajs/cli"],
        },
        devDependencies: { "ts-node": repoPkg.devDependencies["ts-node"], typescript: repoPkg.devDependencies.typescript, "@swc/core": repoPkg.devDependencies["@swc/core"] },
        engines: { node: ">=20" },
      },
      null,
      2
    )
  )
  fs.writeFileSync(
    path.join(app, "medusa-config.ts"),
    `import { loadEnv, defineConfig } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: process.env.STORE_CORS!,
      adminCors: process.env.ADMIN_CORS!,
      authCors: process.env.AUTH_CORS!,
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
  },
  admin: { disable: true },
})
`
  )
  fs.writeFileSync(
    path.join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2021", esModuleInterop: true, module: "Node16", moduleResolution: "Node16", emitDecoratorMetadata: true, experimentalDecorators: true, skipLibCheck: true, declaration: false, sourceMap: false, inlineSourceMap: true, outDir: "./.medusa/server", rootDir: "./", jsx: "react-jsx", resolveJsonModule: true, strictNullChecks: true },
      "ts-node": { swc: true },
      include: ["**/*", ".medusa/types/*"],
      exclude: ["node_modules", ".medusa/server", ".medusa/admin", ".cache"],
    })
  )
  fs.writeFileSync(
    path.join(app, ".env"),
    ["STORE_CORS=http://localhost:8000", "ADMIN_CORS=http://localhost:9000", "AUTH_CORS=http://localhost:8000,http://localhost:9000", "JWT_SECRET=supersecret", "COOKIE_SECRET=supersecret", `DATABASE_URL=${databaseUrl}`, ""].join("\n")
  )
  // The seed: the repo's own store seed and delivery seed, copied in (their imports resolve from the app).
  fs.copyFileSync(path.join(root, "integration-tests/helpers/seed-store.ts"), path.join(app, "src/scripts/seed-store.ts"))
  fs.copyFileSync(path.join(root, "scripts/demo/seed-shipping.ts"), path.join(app, "src/scripts/seed-shipping.ts"))
  fs.writeFileSync(
    path.join(app, "src/scripts/seed.ts"),
    `import fs from "node:fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { seedStore } from "./seed-store"
import { ensureDemoShipping } from "./seed-shipping"

export default async function seed({ container }: ExecArgs) {
  const store = await seedStore(container, { paymentProviders: ["pp_system_default"] })
  await ensureDemoShipping(container, { stockLocationId: store.stockLocationId })
  if (process.env.SEED_OUTPUT) fs.writeFileSync(process.env.SEED_OUTPUT, JSON.stringify(store))
}
`
  )
}

/** The README's config snippet (properties of defineConfig) goes into the app's defineConfig({ … }). */
export function addToDefineConfig(app: string, snippet: string) {
  const file = path.join(app, "medusa-config.ts")
  const config = fs.readFileSync(file, "utf8")
  const close = config.lastIndexOf("})")
  if (close < 0) throw new Error("medusa-config.ts has no closing `})` of defineConfig")
  const indented = snippet.split("\n").map((line) => (line ? `  ${line}` : line)).join("\n")
  fs.writeFileSync(file, `${config.slice(0, close)}${indented}\n${config.slice(close)}`)
}
