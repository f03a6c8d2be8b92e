import { splitProcessProblems } from "../loaders/warn-split-processes"

const redisModules = {
  locking: { resolve: "@medusajs/medusa/locking", options: { providers: [{ resolve: "@medusajs/medusa/locking-redis" }] } },
  event_bus: { resolve: "@medusajs/medusa/event-bus-redis" },
  workflows: { resolve: "@medusajs/medusa/workflow-engine-redis" },
}

describe("split-process check", () => {
  it("says nothing for a single shared process, whatever its modules", () => {
    expect(splitProcessProblems({ projectConfig: { workerMode: "shared" }, modules: {} })).toEqual([])
    expect(splitProcessProblems({ projectConfig: {}, modules: {} })).toEqual([])
  })

  it.each(["server", "worker"])("names every in-process module of a %s process", (workerMode) => {
    const problems = splitProcessProblems({ projectConfig: { workerMode }, modules: {} })
    expect(problems).toHaveLength(3)
    expect(problems.join(" ")).toMatch(/locking.*event-bus-redis.*workflow-engine-redis/)
  })

  it("accepts Redis or Postgres locking with the Redis event bus and workflow engine", () => {
    expect(splitProcessProblems({ projectConfig: { workerMode: "worker" }, modules: redisModules })).toEqual([])
    const postgresLocking = { ...redisModules, locking: { resolve: "@medusajs/medusa/locking", options: { providers: [{ resolve: "@medusajs/medusa/locking-postgres" }] } } }
    expect(splitProcessProblems({ projectConfig: { workerMode: "server" }, modules: postgresLocking })).toEqual([])
  })
})
