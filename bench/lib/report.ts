/** The shape every benchmark reports in, and small statistics helpers. */
export interface Row {
  name: string
  measured: string
  baseline: string
  ratio: number
  target: string
  pass: boolean
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6

export const silentLogger = { info() {}, warn() {}, error() {}, debug() {}, log() {} }
