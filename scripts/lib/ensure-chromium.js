// The browser test's Chromium: what the system has (CHROMIUM_PATH, Debian's /usr/bin/chromium);
// else, as root on Debian, installed with apt (playwright cannot download a browser here); else
// a clear stop naming the one command to run. Used by the test itself, so `npm test` sets itself
// up on a fresh machine and CI needs no step of its own.
const fs = require("node:fs")
const { spawnSync } = require("node:child_process")

const DEBIAN_CHROMIUM = "/usr/bin/chromium"
const INSTALL_COMMAND = "sudo apt-get update && sudo apt-get install -y chromium"

function ensureChromium({ log = () => {} } = {}) {
  const configured = process.env.CHROMIUM_PATH
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`)
    return configured
  }
  if (fs.existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0
  if (isRoot && hasApt) {
    log("Chromium not found: installing Debian's chromium with apt-get (once)…")
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
    const update = spawnSync("apt-get", ["update"], { env, encoding: "utf8" })
    const install = update.status === 0 ? spawnSync("apt-get", ["install", "-y", "chromium"], { env, encoding: "utf8" }) : update
    if (install.status === 0 && fs.existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM
    throw new Error(`installing Chromium with apt-get failed:\n${(install.stderr || install.stdout || "").slice(-2000)}`)
  }
  throw new Error(`The browser test needs Chromium. Install it with: ${INSTALL_COMMAND}  (or set CHROMIUM_PATH)`)
}

module.exports = { ensureChromium, INSTALL_COMMAND }
