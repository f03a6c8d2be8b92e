/**
 * A lock shared by every process working in this checkout (jest workers, the demo), for things
 * two of them must not do at once. A directory under .cache/ is the lock (mkdir is atomic); it
 * names its holder's pid, and a lock whose holder died is taken over.
 */
import fs from "node:fs"
import path from "node:path"

const root = path.resolve(__dirname, "../..")

/** Waits for the lock, takes it, and returns its release. */
export async function acquireRepoLock(name: string, log: (line: string) => void = () => {}): Promise<() => void> {
  const lock = path.join(root, ".cache", `${name}.lock`)
  const holderFile = path.join(lock, "pid")
  fs.mkdirSync(path.dirname(lock), { recursive: true })
  let told = false
  for (;;) {
    try {
      fs.mkdirSync(lock)
      fs.writeFileSync(holderFile, String(process.pid))
      return () => fs.rmSync(lock, { recursive: true, force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
    }
    const holder = Number(fs.existsSync(holderFile) ? fs.readFileSync(holderFile, "utf8") : 0)
    let alive = true
    try {
      if (holder) process.kill(holder, 0)
    } catch {
      alive = false
    }
    if (!alive) {
      fs.rmSync(lock, { recursive: true, force: true })
      continue
    }
    if (!told) log(`waiting for process ${holder || "?"} to release ${name} …`)
    told = true
    // Another process's directory: polled (no cross-process event to await).
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** `work` under the lock. */
export async function withRepoLock<T>(name: string, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const release = await acquireRepoLock(name, log)
  try {
    return await work()
  } finally {
    release()
  }
}

/**
 * Medusa's admin dev server (Vite) writes .medusa/client and node_modules/.vite of the checkout it
 * runs in: the admin suite's and the demo's (`medusa develop`) must not run at the same time — a
 * second one rewrites the first's entry files and re-optimizes its dependencies under it (seen on a
 * fresh clone: the order widget never rendered while the cluster demo started).
 */
export const ADMIN_DEV_SERVER_LOCK = "medusa-admin-dev-server"
