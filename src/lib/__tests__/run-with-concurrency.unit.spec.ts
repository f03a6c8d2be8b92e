import { runWithConcurrency } from "../run-with-concurrency"

it("runs every item once, never more than `concurrency` at a time", async () => {
  let running = 0
  let peak = 0
  const seen: number[] = []
  const releases: Array<() => void> = []
  const done = runWithConcurrency([1, 2, 3, 4, 5], 2, async (item) => {
    running++
    peak = Math.max(peak, running)
    await new Promise<void>((resolve) => releases.push(resolve))
    seen.push(item)
    running--
  })
  while (seen.length < 5) {
    await new Promise((resolve) => setImmediate(resolve))
    releases.shift()?.()
  }
  await done
  expect(seen.sort()).toEqual([1, 2, 3, 4, 5])
  expect(peak).toBe(2)
})

it("does nothing for no items", async () => {
  const work = jest.fn()
  await runWithConcurrency([], 4, work)
  expect(work).not.toHaveBeenCalled()
})
