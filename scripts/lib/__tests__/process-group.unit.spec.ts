import { spawn } from "node:child_process"
import { endProcessGroup } from "../process-group"
import { freePort, portIsFree } from "../ports"

// A leader that forks a server, as Medusa's CLI does: on SIGTERM the leader exits at once while
// its child takes a moment to close its port.
const LEADER = `
require("node:child_process").spawn(process.execPath, ["-e", process.env.CHILD], { stdio: "inherit" })
process.on("SIGTERM", () => process.exit(0))
`
const CHILD = `
const server = require("node:http").createServer().listen(Number(process.env.PORT), "127.0.0.1")
process.on("SIGTERM", () => setTimeout(() => server.close(() => process.exit(0)), 400))
`

describe("endProcessGroup", () => {
  it("resolves only once every process of the group is gone, so the forked server's port is free", async () => {
    const port = await freePort()
    const leader = spawn(process.execPath, ["-e", LEADER], { detached: true, stdio: "ignore", env: { ...process.env, PORT: String(port), CHILD } })
    const exited = new Promise((resolve) => leader.once("exit", resolve))
    while (await portIsFree(port)) await new Promise((resolve) => setTimeout(resolve, 20))

    await endProcessGroup(leader, exited, "SIGTERM")

    expect(leader.exitCode ?? leader.signalCode).not.toBeNull()
    expect(await portIsFree(port)).toBe(true)
  })
})
