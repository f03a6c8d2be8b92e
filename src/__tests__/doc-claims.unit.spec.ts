/**
 * Every claim the docs make that names an option, an env var, a route, an npm script or a CLI
 * command is checked against the code: the merchant copies these names, and a stale one fails at
 * checkout with a message that does not point at the doc. Pure: reads files only.
 */
import fs from "node:fs"
import path from "node:path"
import { meumProviderOptionsSchema } from "../lib/provider-options"

const root = path.resolve(__dirname, "../..")
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8")
const exists = (file: string) => fs.existsSync(path.join(root, file))

const DOCS = ["README.md", "CONTRIBUTING.md", "bench/README.md", ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)].filter(exists)
const docs = DOCS.map((file) => ({ file, text: read(file) }))
const pkg = JSON.parse(read("package.json"))

/** Every file under `dir` (relative to the root) whose name matches. */
function filesUnder(dir: string, match: RegExp): string[] {
  if (!exists(dir)) return []
  const out: string[] = []
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== ".next") out.push(...filesUnder(rel, match))
    } else if (match.test(entry.name)) out.push(rel)
  }
  return out
}

const CODE_FILES = [
  ...["src", "scripts", "bench", ".ci", "integration-tests", "reference-storefront", "demo-storefront"].flatMap((dir) => filesUnder(dir, /\.(ts|tsx|js|mjs|cjs|sh)$|^run$/)),
  "medusa-config.ts",
].filter((file) => !file.includes("__tests__/doc-claims"))
const code = CODE_FILES.map((file) => ({ file, text: read(file) }))
const allCode = code.map((c) => c.text).join("\n")

/** Markdown tables of a text: rows of cells, header first. */
function tables(text: string): string[][][] {
  const out: string[][][] = []
  let current: string[][] = []
  for (const line of text.split("\n")) {
    if (line.trim().startsWith("|")) {
      if (/^\s*\|[\s|:-]+\|\s*$/.test(line)) continue // the separator row
      current.push(line.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((cell) => cell.trim()))
    } else if (current.length) {
      out.push(current)
      current = []
    }
  }
  if (current.length) out.push(current)
  return out
}

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1])

// ---------------------------------------------------------------- options

const OPTION_NAMES = Object.keys(meumProviderOptionsSchema.shape)
const DEFAULTS = meumProviderOptionsSchema.parse({ apiKey: "sk_test", webhookSecret: "whsec" }) as Record<string, unknown>

/** option → env var, as this repository's medusa-config.ts maps them. */
const OPTION_ENV = new Map(
  [.../const meumProviderOptions = \{([\s\S]*?)\n\}/.exec(read("medusa-config.ts"))![1].matchAll(/^\s*(\w+): (?:list\()?env\("(\w+)"\)/gm)].map((m) => [m[1], m[2]])
)

const optionTables = docs.flatMap(({ file, text }) => tables(text).filter((t) => t[0][0].toLowerCase() === "option").map((t) => ({ file, rows: t.slice(1), header: t[0] })))

describe("options", () => {
  it("every option a table names is an option of the schema", () => {
    const unknown = optionTables.flatMap(({ file, rows }) => rows.flatMap((row) => backticked(row[0]).filter((name) => !OPTION_NAMES.includes(name)).map((name) => `${file}: ${name}`)))
    expect(unknown).toEqual([])
  })

  it("README's options table lists every option of the schema, with its env var and default", () => {
    const table = optionTables.find((t) => t.file === "README.md")
    expect(table).toBeDefined()
    const byName = new Map(table!.rows.map((row) => [backticked(row[0])[0], row]))
    expect([...byName.keys()].sort()).toEqual([...OPTION_NAMES].sort())
    const envColumn = table!.header.findIndex((h) => /env/i.test(h))
    const defaultColumn = table!.header.findIndex((h) => /default/i.test(h))
    const wrong: string[] = []
    for (const [name, row] of byName) {
      if (envColumn >= 0 && backticked(row[envColumn])[0] !== OPTION_ENV.get(name)) wrong.push(`${name}: env ${row[envColumn]} ≠ ${OPTION_ENV.get(name)}`)
      const documented = row[defaultColumn].replace(/`/g, "").replace(/[,_]/g, "")
      const required = name === "apiKey" || name === "webhookSecret"
      const expected = required ? "required" : DEFAULTS[name] === undefined ? "none" : String(DEFAULTS[name])
      if (documented !== expected) wrong.push(`${name}: default "${row[defaultColumn]}" ≠ ${expected}`)
    }
    expect(wrong).toEqual([])
  })

  it("every key of a provider's `options: {…}` in a docs example is an option", () => {
    const unknown: string[] = []
    for (const { file, text } of docs) {
      for (const block of text.matchAll(/resolve: "medusa-payment-meum\/providers\/meum"[\s\S]*?options: \{([\s\S]*?)\n\s*\}/g)) {
        for (const key of block[1].matchAll(/^\s*(\w+):/gm)) if (!OPTION_NAMES.includes(key[1])) unknown.push(`${file}: ${key[1]}`)
      }
    }
    expect(unknown).toEqual([])
  })
})

// ---------------------------------------------------------------- env vars

/** Variables of other programs the docs may name (read by Medusa, Next.js, npm, the OS). */
const FOREIGN_ENV = new Set(["NODE_ENV", "DATABASE_URL", "STORE_CORS", "ADMIN_CORS", "AUTH_CORS", "JWT_SECRET", "COOKIE_SECRET", "NEXT_PUBLIC_BASE_URL", "NEXT_PUBLIC_MEDUSA_BACKEND_URL", "NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY", "NODE_OPTIONS"])
const ENV_TOKEN = /(?<![\w-])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(_\*)?(?![\w-])/g
/** Families the plugin reads: a name in them is the plugin's, never the merchant's own. */
const PLUGIN_PREFIXES = /^(MEUM_RECONCILE_|MEUM_SANDBOX_|DEMO_)/
/** Names a doc's own example reads (`process.env.X`) are the merchant's to choose; constants (`const X =`) are not env vars. */
const ownNames = (text: string) => new Set([...text.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)|const ([A-Z][A-Z0-9_]+) =/g)].map((m) => m[1] ?? m[2]).filter((name) => !PLUGIN_PREFIXES.test(name)))

const envRead = new Set([...allCode.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)|process\.env\[\s*["'`]([A-Z][A-Z0-9_]+)|\benv\(\s*["']([A-Z][A-Z0-9_]+)["']|\$\{?([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]))

describe("environment variables", () => {
  it("every env var the docs name appears in the code (src, scripts, bench, .ci, tests, medusa-config)", () => {
    const missing = new Set<string>()
    for (const { file, text } of docs) {
      const own = ownNames(text)
      for (const m of text.matchAll(ENV_TOKEN)) {
        const [, name, wildcard] = m
        if (FOREIGN_ENV.has(name) || own.has(name)) continue
        const found = wildcard ? allCode.includes(`${name}_`) : new RegExp(`(?<![\\w])${name}(?![\\w])`).test(allCode)
        if (!found) missing.add(`${file}: ${name}${wildcard ?? ""}`)
      }
    }
    expect([...missing]).toEqual([])
  })

  // A table that lists one member of a family is the reference for it: it lists them all.
  const FAMILIES: Array<[string, RegExp]> = [
    ["the reconcile job's", /^MEUM_RECONCILE_/],
    ["the demo's ports", /^DEMO_[A-Z]+_PORT$/],
  ]
  it.each(FAMILIES)("a table naming one of %s variables names every one the code reads", (_label, family) => {
    const members = [...envRead].filter((name) => family.test(name)).sort()
    expect(members.length).toBeGreaterThan(0)
    const incomplete: string[] = []
    for (const { file, text } of docs) {
      const mentions = (chunk: string) => [...chunk.matchAll(ENV_TOKEN)].map((m) => m[1]).filter((name) => family.test(name))
      // tables, and the one-line lists of a command table's cell
      const chunks = [...tables(text).map((t) => t.map((r) => r.join(" ")).join("\n")), ...text.split("\n").filter((line) => mentions(line).length > 1)]
      for (const chunk of chunks) {
        const named = new Set(mentions(chunk))
        if (named.size === 0) continue
        const absent = members.filter((name) => !named.has(name))
        if (absent.length) incomplete.push(`${file}: names ${[...named].join(", ")} but not ${absent.join(", ")}`)
      }
    }
    expect(incomplete).toEqual([])
  })

  it("a default given beside an env var (`VAR` (N) or | `VAR` | N |) is the code's", () => {
    const wrong: string[] = []
    for (const { file, text } of docs) {
      const claims = [
        ...[...text.matchAll(/`([A-Z][A-Z0-9_]+)` \((\d[\d,_]*)\)/g)].map((m) => [m[1], m[2]]),
        ...[...text.matchAll(/^\s*\| `([A-Z][A-Z0-9_]+)` \| (\d[\d,_]*) \|/gm)].map((m) => [m[1], m[2]]),
      ]
      for (const [name, value] of claims) {
        const number = value.replace(/[,_]/g, "")
        const lines = allCode.split("\n").filter((line) => line.includes(name))
        if (!lines.some((line) => line.replace(/_/g, "").includes(number))) wrong.push(`${file}: ${name} (${value})`)
      }
    }
    expect(wrong).toEqual([])
  })
})

// ---------------------------------------------------------------- routes

/** Route paths in a text: absolute paths under the prefixes below, and the paths of URLs. */
function routesIn(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(/(?<![\w.\-/])(\/(?:hooks|admin|store|sandbox|v1)(?:\/[^\s`'"(),\]]*)?)/g)) out.push(m[1])
  for (const m of text.matchAll(/https?:\/\/[^/\s`]+(\/(?:hooks|admin|store|sandbox|v1)(?:\/[^\s`'"(),\]]*)?)/g)) out.push(m[1])
  return out.map((route) => route.replace(/[?#].*$/, "").replace(/[.:]+$/, "").replace(/\/$/, "")).filter((route) => !route.includes("*"))
}

/** Does `dir` hold a route file for these segments? Doc params (`:id`, `<id>`, `{id}`, `…`) match a `[param]` folder. */
function routeFileExists(dir: string, segments: string[], fileNames: string[]): boolean {
  if (!fs.existsSync(dir)) return false
  if (segments.length === 0) return fileNames.some((name) => fs.existsSync(path.join(dir, name)))
  const [head, ...rest] = segments
  const isParam = /^(:\w+|<[^>]+>|\{[^}]+\}|…)$/.test(head)
  const entries = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())
  return entries.some((entry) => {
    const matches = entry.name.startsWith("[") ? true : !isParam && entry.name === head
    return matches && routeFileExists(path.join(dir, entry.name), rest, fileNames)
  })
}

const SANDBOX_ROUTES = [...code.filter((c) => c.file.startsWith("src/sandbox/")).map((c) => c.text).join("\n").matchAll(/router\.(?:get|post|delete|put)\(\s*"([^"]+)"/g)].map((m) => m[1])
const SANDBOX_MOUNTS = [...code.filter((c) => c.file.startsWith("src/sandbox/")).map((c) => c.text).join("\n").matchAll(/router\.use\(\s*"([^"]+)"/g)].map((m) => m[1])
const sandboxRouteExists = (route: string) =>
  SANDBOX_MOUNTS.includes(route) ||
  SANDBOX_ROUTES.some((known) => {
    const a = known.split("/"), b = route.split("/")
    return a.length === b.length && a.every((seg, i) => seg === b[i] || (seg.startsWith(":") && /^(:\w+|<[^>]+>|\{[^}]+\}|…|\w[\w-]*)$/.test(b[i])))
  })

describe("routes", () => {
  it("every route the docs name exists: the plugin's in src/api, Medusa's in @medusajs/medusa, Meum's and the sandbox's in src/sandbox", () => {
    const medusaApi = path.join(path.dirname(require.resolve("@medusajs/medusa/package.json")), "dist/api")
    const missing = new Set<string>()
    for (const { file, text } of docs) {
      for (const route of routesIn(text)) {
        const segments = route.split("/").filter(Boolean)
        const ok =
          segments[0] === "sandbox" || segments[0] === "v1"
            ? sandboxRouteExists(route)
            : routeFileExists(path.join(root, "src/api"), segments, ["route.ts"]) || routeFileExists(medusaApi, segments, ["route.js"])
        if (!ok) missing.add(`${file}: ${route}`)
      }
    }
    expect([...missing]).toEqual([])
  })

  it("every webhook URL given to the sandbox (docs and the CLI's usage) is the plugin's /hooks/meum", () => {
    const wrong: string[] = []
    for (const { file, text } of [...docs, { file: "src/sandbox/cli.ts", text: read("src/sandbox/cli.ts") }]) {
      for (const m of text.matchAll(/--webhook-url[ =]+(\S+)/g)) {
        if (!/^https?:\/\/[^/\s]+\/hooks\/meum(\/[\w<>{}:-]+)?$/.test(m[1]) && !/^(URL|…|<[^>]+>)\]?(\.\.\.)?$/.test(m[1])) wrong.push(`${file}: ${m[1]}`)
      }
    }
    expect(wrong).toEqual([])
  })
})

// ---------------------------------------------------------------- npm scripts and CLI commands

describe("commands", () => {
  it("every `npm run X` / `npm test` the docs name is a script of package.json", () => {
    const missing = new Set<string>()
    for (const { file, text } of docs) {
      for (const m of text.matchAll(/npm run ([\w:.-]+)/g)) if (!(m[1] in pkg.scripts)) missing.add(`${file}: npm run ${m[1]}`)
      if (/npm test\b/.test(text) && !("test" in pkg.scripts)) missing.add(`${file}: npm test`)
    }
    expect([...missing]).toEqual([])
  })

  it("every flag of a `medusa-payment-meum sandbox` / `npm run sandbox` command in the docs is a flag of the CLI", () => {
    const cli = read("src/sandbox/cli.ts")
    const optionsBlock = /parseArgs\(\{[\s\S]*?options: \{([\s\S]*?)\n\s{4}\},/.exec(cli)![1]
    const flags = new Set([...optionsBlock.matchAll(/^\s*"?([\w-]+)"?: \{/gm)].map((m) => m[1]))
    expect(flags.has("webhook-url")).toBe(true)
    expect(pkg.bin["medusa-payment-meum"]).toBeDefined()
    const unknown = new Set<string>()
    for (const { file, text } of docs) {
      // a command runs to the end of its line, or on through trailing backslashes
      for (const m of text.matchAll(/(?:medusa-payment-meum sandbox|npm run sandbox)((?:[^\n`]*\\\n)*[^\n`]*)/g)) {
        for (const flag of m[1].matchAll(/--([\w-]+)/g)) if (!flags.has(flag[1])) unknown.add(`${file}: --${flag[1]}`)
      }
    }
    expect([...unknown]).toEqual([])
  })

  it("every `medusa <command>` the docs name is a Medusa CLI command, and every `medusa exec` file is one this package ships", () => {
    const createCli = fs.readFileSync(require.resolve("@medusajs/cli/dist/create-cli.js"), "utf8")
    const commands = new Set([...createCli.matchAll(/command: [`"]([\w:-]+)/g)].map((m) => m[1]))
    expect(commands.has("db:migrate")).toBe(true)
    const wrong = new Set<string>()
    for (const { file, text } of docs) {
      for (const m of text.matchAll(/npx medusa ([\w:-]+)(?: (\S+))?/g)) {
        if (!commands.has(m[1])) wrong.add(`${file}: medusa ${m[1]}`)
        if (m[1] === "exec") {
          const shipped = /node_modules\/medusa-payment-meum\/\.medusa\/server\/(src\/[\w/.-]+)\.js/.exec(m[2] ?? "")
          if (!shipped || !exists(`${shipped[1]}.ts`)) wrong.add(`${file}: medusa exec ${m[2]}`)
        }
      }
    }
    expect([...wrong]).toEqual([])
  })
})

// ---------------------------------------------------------------- package entries

describe("package entries", () => {
  const subpaths = Object.keys(pkg.exports).filter((key) => key !== "./package.json" && !key.includes("*"))

  it("every `medusa-payment-meum/<entry>` the docs import or resolve is an export of package.json", () => {
    const missing = new Set<string>()
    for (const { file, text } of docs) {
      for (const m of text.matchAll(/["'`]medusa-payment-meum\/([\w./-]+)["'`]/g)) {
        const entry = `./${m[1]}`
        if (entry.startsWith("./.medusa/")) continue // a file path (medusa exec, tsconfig paths), not an import
        const ok = entry in pkg.exports || Object.keys(pkg.exports).some((key) => key.includes("*") && new RegExp(`^${key.replace(/[.]/g, "\\.").replace("*", "[\\w-]+")}$`).test(entry))
        if (!ok) missing.add(`${file}: ${m[1]}`)
      }
    }
    expect([...missing]).toEqual([])
  })

  it("names each public entry (no catch-all `./*`), and each one's source exists", () => {
    expect(Object.keys(pkg.exports).filter((key) => key === "./*")).toEqual([])
    expect(Object.keys(pkg.typesVersions["*"]).filter((key) => key === "*")).toEqual([])
    const missing: string[] = []
    for (const [key, target] of Object.entries<Record<string, string> | string>(pkg.exports)) {
      const file = typeof target === "string" ? target : target.default
      const source = file.replace(/^\.\/\.medusa\/server\//, "").replace(/\.js$/, ".ts")
      if (key === "./package.json" || key === "./admin") continue
      if (source.includes("*") ? !exists(path.dirname(source.split("*")[0])) : !exists(source)) missing.push(`${key} → ${source}`)
    }
    expect(missing).toEqual([])
  })

  it("typesVersions gives types for every export, so `moduleResolution: node` needs no `paths`; the docs say so where they mention it", () => {
    const typed = Object.keys(pkg.typesVersions["*"])
    expect(subpaths.filter((key) => key !== "./admin" && !typed.includes(key.slice(2)))).toEqual([])
    const wrong: string[] = []
    for (const { file, text } of docs) {
      for (const paragraph of text.split(/\n\s*\n/)) {
        if (/moduleResolution/.test(paragraph) && (!/typesVersions/.test(paragraph) || /"paths"/.test(paragraph))) wrong.push(`${file}: ${paragraph.slice(0, 80)}…`)
      }
    }
    expect(wrong).toEqual([])
  })
})

// ---------------------------------------------------------------- the documents themselves

describe("documents", () => {
  it("README is a five-minute read (at most 12 KB, counted as 12,000 bytes)", () => {
    expect(Buffer.byteLength(read("README.md"))).toBeLessThanOrEqual(12_000)
  })

  it("every relative link resolves to a file of the repository", () => {
    const broken: string[] = []
    for (const { file, text } of [...docs, ...["CHANGELOG.md"].filter(exists).map((f) => ({ file: f, text: read(f) }))]) {
      for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(m[1])) continue
        if (!exists(path.join(path.dirname(file), m[1]))) broken.push(`${file}: ${m[1]}`)
      }
    }
    expect(broken).toEqual([])
  })

  it("LICENSE is the license package.json names", () => {
    expect(pkg.license).toBe("MIT")
    expect(read("LICENSE")).toMatch(/^MIT License/)
  })
})
