/**
 * `npm install` in a brand-new app, ending in the very tree a newcomer's install makes, at a
 * fraction of the cost: extracting ~700 MB of tarballs was most of it (47 s alone, ~68 s beside
 * another suite on CI's 2 cores).
 *  1. `npm install --package-lock-only`: npm resolves the app's dependencies from scratch (no
 *     node_modules yet), exactly as a fresh install does, and writes that tree as the lockfile.
 *  2. node_modules is seeded with hard links to this repository's node_modules (same registry
 *     tarballs for every name@version they share; seconds, no bytes copied).
 *  3. `npm install` reifies the lockfile over the seed: it keeps what matches, extracts what
 *     differs (other versions, other places) and removes everything the app does not need.
 * The result is then checked against the lockfile, name and version at every path, so a seed
 * that npm did not bring back to a newcomer's tree fails here rather than passing by accident.
 * Dot entries (npm's hidden lockfile, bundlers' caches) are not linked: npm writes its hidden
 * lockfile in place, which through a hard link would overwrite the repository's.
 */
import fs from "node:fs"
import path from "node:path"
import { runToEnd } from "../../scripts/lib/store-harness"

const repoModules = path.resolve(__dirname, "../../node_modules")
const NPM_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund"]

export async function freshNpmInstall(app: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (fs.existsSync(path.join(app, "node_modules")) || fs.existsSync(path.join(app, "package-lock.json"))) {
    throw new Error(`${app}: not a brand-new app (node_modules or package-lock.json already there)`)
  }
  await runToEnd("npm", ["install", "--package-lock-only", ...NPM_FLAGS], { cwd: app, env })
  // Hard links need one filesystem (a tmpfs /tmp is another): elsewhere npm installs unseeded.
  if (fs.statSync(app).dev === fs.statSync(repoModules).dev) {
    fs.mkdirSync(path.join(app, "node_modules"))
    const seeded = fs.readdirSync(repoModules).filter((name) => !name.startsWith(".") || name === ".bin")
    await runToEnd("cp", ["-al", ...seeded.map((name) => path.join(repoModules, name)), path.join(app, "node_modules")], { cwd: app, env })
  }
  await runToEnd("npm", ["install", ...NPM_FLAGS], { cwd: app, env })
  const wrong = treeDifferences(app)
  if (wrong.length > 0) throw new Error(`${app}: node_modules is not the tree npm resolved for a fresh install:\n${wrong.slice(0, 20).join("\n")}`)
}

/** Every package of the lockfile at its path and version (npm's extraneous leftovers and the
 * optional packages of other platforms aside, as a fresh install leaves them out too). */
function treeDifferences(app: string): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(app, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; extraneous?: boolean; link?: boolean; optional?: boolean }> }
  const wrong: string[] = []
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!where || entry.extraneous || entry.link || !entry.version) continue
    const manifest = path.join(app, where, "package.json")
    const version = fs.existsSync(manifest) ? (JSON.parse(fs.readFileSync(manifest, "utf8")).version as string) : "missing"
    if (version === "missing" && entry.optional) continue
    if (version !== entry.version) wrong.push(`${where}: ${version}, lockfile ${entry.version}`)
  }
  return wrong
}
