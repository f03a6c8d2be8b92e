// `medusa exec` target of the benchmarks' store: the same store as the tests and the demo (both
// pp_meum_meum and pp_system_default in the region), written to BENCH_SEED_FILE.
import fs from "node:fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { seedStore } from "../../integration-tests/helpers/seed-store"

export default async function seedBenchStore({ container }: ExecArgs) {
  const out = process.env.BENCH_SEED_FILE
  if (!out) throw new Error("BENCH_SEED_FILE is not set")
  const seed = await seedStore(container, { stock: 1_000_000 })
  fs.writeFileSync(out, JSON.stringify(seed))
}
