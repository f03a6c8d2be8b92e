/**
 * Imports only go down the layers of ARCHITECTURE.md: the Meum core knows nothing of Medusa or of
 * the rest of the plugin; the shared libraries and the ledger module never reach up into the
 * adapters (provider, API routes, jobs, workflows, admin).
 */
import fs from "node:fs"
import path from "node:path"

const src = path.resolve(__dirname, "..")

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === "__tests__" ? [] : sourceFiles(full)
    return /\.tsx?$/.test(entry.name) ? [full] : []
  })
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8")
  return [...text.matchAll(/(?:from|import)\s+"([^"]+)"/g)].map((match) => {
    const spec = match[1]
    return spec.startsWith(".") ? path.relative(src, path.resolve(path.dirname(file), spec)) : spec
  })
}

const ADAPTERS = ["providers", "api", "jobs", "workflows", "admin", "storefront", "sandbox"]

describe("layering", () => {
  it("keeps src/lib/meum framework-free and self-contained", () => {
    for (const file of sourceFiles(path.join(src, "lib", "meum"))) {
      for (const imported of importsOf(file)) {
        expect({ file: path.relative(src, file), imported }).toEqual({
          file: path.relative(src, file),
          imported: expect.not.stringMatching(/^@medusajs|^(?!lib\/meum)(lib|modules|providers|api|jobs|workflows|admin|storefront|sandbox)\//),
        })
      }
    }
  })

  it("never imports an adapter from src/lib or src/modules", () => {
    const lower = [...sourceFiles(path.join(src, "lib")), ...sourceFiles(path.join(src, "modules"))]
    const upward = lower.flatMap((file) =>
      importsOf(file)
        .filter((imported) => ADAPTERS.some((layer) => imported === layer || imported.startsWith(`${layer}/`)))
        .map((imported) => `${path.relative(src, file)} → ${imported}`)
    )
    expect(upward).toEqual([])
  })

  it("never imports one adapter's internals from another (routes and jobs may only run workflows)", () => {
    const crossing = ADAPTERS.flatMap((layer) =>
      fs.existsSync(path.join(src, layer))
        ? sourceFiles(path.join(src, layer)).flatMap((file) =>
            importsOf(file)
              .filter((imported) => ADAPTERS.some((other) => other !== layer && (imported === other || imported.startsWith(`${other}/`))))
              .filter((imported) => !((layer === "api" || layer === "jobs") && imported.startsWith("workflows/")))
              .map((imported) => `${path.relative(src, file)} → ${imported}`)
          )
        : []
    )
    expect(crossing).toEqual([])
  })
})
