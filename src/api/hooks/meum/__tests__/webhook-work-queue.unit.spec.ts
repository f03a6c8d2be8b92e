import { SessionWorkQueue } from "../route"

/** A task whose completion the test controls. */
function gate<T>(value: T) {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  const started = jest.fn()
  const task = async () => {
    started()
    await opened
    return value
  }
  return { task, open, started }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe("SessionWorkQueue", () => {
  it("never runs more than `concurrency` tasks at once and starts the rest in arrival order", async () => {
    const queue = new SessionWorkQueue<string>(2)
    const gates = ["a", "b", "c", "d"].map((key) => ({ key, ...gate(key) }))
    const results = gates.map((g) => queue.run(g.key, g.task))
    await flush()
    expect(gates.map((g) => g.started.mock.calls.length)).toEqual([1, 1, 0, 0])
    expect(queue.stats()).toEqual({ running: 2, waiting: 2 })
    gates[1].open()
    await flush()
    expect(gates.map((g) => g.started.mock.calls.length)).toEqual([1, 1, 1, 0])
    gates.forEach((g) => g.open())
    await expect(Promise.all(results)).resolves.toEqual(["a", "b", "c", "d"])
    expect(queue.stats()).toEqual({ running: 0, waiting: 0 })
  })

  it("joins requests for a session whose task has not started, and queues one more behind a running one", async () => {
    const queue = new SessionWorkQueue<number>(1)
    const blocker = gate(0)
    void queue.run("other", blocker.task)
    const first = gate(1)
    const second = gate(2)
    const p1 = queue.run("s1", first.task)
    const p2 = queue.run("s1", second.task) // joins: s1 has not started
    expect(p2).toBe(p1)
    blocker.open()
    await flush()
    expect(first.started).toHaveBeenCalledTimes(1)
    // s1 is running now: a new request waits behind it rather than overlapping it.
    const third = gate(3)
    const p3 = queue.run("s1", third.task)
    await flush()
    expect(third.started).not.toHaveBeenCalled()
    first.open()
    await expect(p1).resolves.toBe(1)
    await flush()
    expect(third.started).toHaveBeenCalledTimes(1)
    third.open()
    await expect(p3).resolves.toBe(3)
    expect(second.started).not.toHaveBeenCalled()
  })

  it("never absorbs another invoice's work for the same cart into a waiting task (ledger issue, defect 3)", async () => {
    const queue = new SessionWorkQueue<string>(1)
    const running = gate("running")
    void queue.run("cart_1", running.task, "inv_new")
    const waitingNew = queue.run("cart_1", async () => "checked inv_new", "inv_new")
    const paidOld = queue.run("cart_1", async () => "checked inv_old", "inv_old")
    const repeatNew = queue.run("cart_1", async () => "never runs", "inv_new")
    expect(queue.stats()).toEqual({ running: 1, waiting: 2 })
    running.open()
    await expect(waitingNew).resolves.toBe("checked inv_new")
    await expect(repeatNew).resolves.toBe("checked inv_new")
    await expect(paidOld).resolves.toBe("checked inv_old")
  })

  it("rejects only the failing task and keeps going", async () => {
    const queue = new SessionWorkQueue<string>(1)
    const failing = queue.run("bad", async () => {
      throw new Error("database unavailable")
    })
    const fine = queue.run("good", async () => "ok")
    await expect(failing).rejects.toThrow("database unavailable")
    await expect(fine).resolves.toBe("ok")
  })

  it("idle() resolves at once when empty, and only after the last task otherwise", async () => {
    const queue = new SessionWorkQueue<string>(1)
    await expect(queue.idle()).resolves.toBeUndefined()
    const a = gate("a")
    const b = gate("b")
    void queue.run("a", a.task)
    void queue.run("b", b.task)
    const idle = jest.fn()
    const waiting = queue.idle().then(idle)
    a.open()
    await flush()
    expect(idle).not.toHaveBeenCalled()
    b.open()
    await waiting
    expect(idle).toHaveBeenCalledTimes(1)
    expect(queue.stats()).toEqual({ running: 0, waiting: 0 })
  })

  it("refuses a concurrency below 1", () => {
    expect(() => new SessionWorkQueue(0)).toThrow(RangeError)
  })
})
