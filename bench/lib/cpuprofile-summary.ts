/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and inclusive time
 * per source area (our src/, axios, zod, node internals, idle), so a profile can be quoted.
 *
 *   node -r ts-node/register/transpile-only bench/lib/cpuprofile-summary.ts <file.cpuprofile> [top]
 */
import fs from "node:fs"

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const profile = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Profile
const top = Number(process.argv[3] ?? 25)
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const selfUs = new Map<number, number>()
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const total = [...selfUs.values()].reduce((a, b) => a + b, 0)

const area = (url: string, fn: string): string => {
  if (fn === "(idle)") return "(idle: waiting on I/O)"
  if (fn === "(garbage collector)") return "(gc)"
  if (fn === "(program)") return "(program)"
  if (url.includes("/src/")) return "src/" + url.split("/src/")[1]
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m) return m[1]
  if (url.startsWith("node:")) return "node internals"
  return url || "(native)"
}

const selfByFn = new Map<string, number>()
const selfByArea = new Map<string, number>()
const inclusiveSrc = new Map<string, number>()
for (const [id, us] of selfUs) {
  const n = byId.get(id)!
  const key = `${n.callFrame.functionName || "(anonymous)"} ${area(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`
  selfByFn.set(key, (selfByFn.get(key) ?? 0) + us)
  const a = area(n.callFrame.url, n.callFrame.functionName).replace(/^src\/([^/]+\/[^/]+).*/, "src/$1")
  selfByArea.set(a, (selfByArea.get(a) ?? 0) + us)
  // Inclusive per src/ function: every src frame on the stack gets the sample once.
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)!.callFrame
    if (!f.url.includes("/src/")) continue
    const k = `${f.functionName || "(anonymous)"} src/${f.url.split("/src/")[1]}:${f.lineNumber + 1}`
    if (seen.has(k)) continue
    seen.add(k)
    inclusiveSrc.set(k, (inclusiveSrc.get(k) ?? 0) + us)
  }
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1)} %`
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`)
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us).padStart(7)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`)
}
console.log(`profile: ${(total / 1000).toFixed(0)} ms sampled`)
print("self time by area", selfByArea)
print("self time by function", selfByFn)
print("inclusive time of src/ functions", inclusiveSrc)
