// Ending a detached child's whole process group. The leader's exit is not the group's: Medusa's
// CLI forks the server, and `next start` may too; a member still shutting down keeps its port
// bound after the leader is gone, so "stopped" would not yet mean "port free". No event reports a
// group's end, so it is watched (every 50 ms) until no member is left, SIGKILL after 10 s. A
// member that stays after that is a zombie nobody reaps (no socket left): given up after 15 s.
"use strict"

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal)
  } catch {}
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * @param {import("node:child_process").ChildProcess} child spawned with `detached: true` (its pid is the group id)
 * @param {Promise<unknown>} exited resolves when the child exits
 * @param {NodeJS.Signals} signal
 */
async function endProcessGroup(child, exited, signal) {
  const pgid = child.pid
  signalGroup(pgid, signal)
  const deadline = Date.now() + 10_000
  let killed = signal === "SIGKILL"
  const timer = killed ? undefined : setTimeout(() => ((killed = true), signalGroup(pgid, "SIGKILL")), 10_000)
  if (child.exitCode === null && child.signalCode === null) await exited
  clearTimeout(timer)
  while (groupAlive(pgid) && Date.now() < deadline + 5_000) {
    if (!killed && Date.now() > deadline) {
      killed = true
      signalGroup(pgid, "SIGKILL")
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

module.exports = { endProcessGroup }
