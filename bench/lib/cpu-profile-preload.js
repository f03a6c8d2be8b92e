/**
 * CPU profile of a process started with NODE_OPTIONS="--require <this file>" (Node refuses
 * --cpu-prof in NODE_OPTIONS): samples from start to exit and writes
 * $BENCH_CPU_PROFILE_DIR/<pid>.cpuprofile, for bench/lib/cpuprofile-summary.ts.
 * Used by `BENCH_SERVER_NODE_OPTIONS` (bench/lib/medusa-store.ts) to profile benchmark 3's server.
 */
const fs = require("node:fs")
const path = require("node:path")
const inspector = require("node:inspector")

const dir = process.env.BENCH_CPU_PROFILE_DIR || process.cwd()
const session = new inspector.Session()
session.connect()
session.post("Profiler.enable")
session.post("Profiler.start")
process.on("exit", () => {
  // An in-thread inspector session answers synchronously, so this runs before the process ends.
  session.post("Profiler.stop", (error, result) => {
    if (!error) fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile))
  })
})
