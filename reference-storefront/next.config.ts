import path from "node:path"
import type { NextConfig } from "next"

// The Meum helpers are imported from the plugin's source (../src/storefront, through the
// tsconfig alias @meum/storefront): Turbopack and output tracing must be allowed to read the
// repository root, not only this folder.
const repoRoot = path.resolve(__dirname, "..")

const config: NextConfig = {
  // The helpers' one dependency, zod, comes from this app's own node_modules: the build must not
  // depend on the plugin's install (or on where it lives, e.g. a symlinked node_modules).
  turbopack: { root: repoRoot, resolveAlias: { zod: "./node_modules/zod/index.js" } },
  outputFileTracingRoot: repoRoot,
  poweredByHeader: false,
  reactStrictMode: true,
}

export default config
