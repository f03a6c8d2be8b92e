import path from "node:path"
import type { NextConfig } from "next"

// The Meum helpers are imported from the plugin's source (../src/storefront, through the
// tsconfig alias @meum/storefront): Turbopack and output tracing must be allowed to read the
// repository root, not only this folder.
const repoRoot = path.resolve(__dirname, "..")

const config: NextConfig = {
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  poweredByHeader: false,
  reactStrictMode: true,
}

export default config
