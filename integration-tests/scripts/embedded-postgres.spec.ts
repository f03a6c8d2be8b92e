/**
 * The PostgreSQL the harness and the demo start must work from any clone location, as root too:
 * a data folder under a directory user `postgres` cannot traverse (root's home is 0700 in most
 * containers) used to make initdb die on its pwfile ("Permission denied").
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"

const { startEmbeddedPostgres } = require("../../scripts/lib/embedded-postgres")

jest.setTimeout(120 * 1000)

it("starts a persistent database whose requested folder sits under a private (0700) directory, and reuses it", async () => {
  const privateHome = fs.mkdtempSync(path.join(os.tmpdir(), "meum-private-home-"))
  fs.chmodSync(privateHome, 0o700)
  const requested = path.join(privateHome, "clone", ".demo", "pg")
  const logs: string[] = []
  const start = () => startEmbeddedPostgres({ dataDir: requested, log: (line: string) => logs.push(line) })
  let pg = await start()
  let used = pg.dataDir as string
  try {
    const client = new Client({ connectionString: pg.url("postgres") })
    await client.connect()
    await client.query("CREATE TABLE kept (id int)")
    await client.end()
    const asRoot = typeof process.getuid === "function" && process.getuid() === 0
    // As root PostgreSQL runs as user postgres, who cannot enter the private folder: the data moves.
    expect(used === path.resolve(requested)).toBe(!asRoot)
    if (asRoot) expect(logs.join("\n")).toContain("is not reachable by user postgres")
    await pg.stop()
    // Persistent: the second start finds the same data.
    pg = await start()
    expect(pg.dataDir).toBe(used)
    const again = new Client({ connectionString: pg.url("postgres") })
    await again.connect()
    expect((await again.query("SELECT to_regclass('kept') AS t")).rows[0].t).toBe("kept")
    await again.end()
  } finally {
    await pg.stop()
    fs.rmSync(privateHome, { recursive: true, force: true })
    if (used !== path.resolve(requested)) fs.rmSync(used, { recursive: true, force: true })
  }
})
