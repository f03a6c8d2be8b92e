/**
 * The Medusa admin dashboard with this plugin's admin extensions (src/admin), served by Medusa's
 * own admin bundler in development mode on a port of its own, talking to a backend elsewhere:
 * the way a merchant hosts the admin apart from the backend. (The integration runner boots
 * Medusa with its admin disabled.)
 */
import http from "node:http"
import path from "node:path"
import express from "express"
import type { AxiosInstance } from "axios"
import type { MedusaContainer } from "@medusajs/framework/types"
import { createUserAccountWorkflow } from "@medusajs/core-flows"
import { freePort } from "../helpers/demo-run"
import { acquireRepoLock, ADMIN_DEV_SERVER_LOCK } from "../helpers/repo-lock"

const root = path.resolve(__dirname, "../..")

export interface AdminServer {
  url: string
  close: () => Promise<void>
}

export async function startAdminServer(backendUrl: string): Promise<AdminServer> {
  const release = await acquireRepoLock(ADMIN_DEV_SERVER_LOCK, (line) => process.stdout.write(`[admin] ${line}\n`))
  try {
    return await startHoldingLock(backendUrl, release)
  } catch (error) {
    release()
    throw error
  }
}

async function startHoldingLock(backendUrl: string, release: () => void): Promise<AdminServer> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { develop } = require("@medusajs/admin-bundler") as { develop: (options: Record<string, unknown>) => Promise<express.Router> }
  const router = await develop({
    disable: false,
    path: "/app",
    backendUrl: backendUrl.replace(/\/$/, ""),
    sources: [path.join(root, "src", "admin")],
    plugins: [],
    outDir: path.join(root, ".medusa", "admin-test"),
    // The dashboard's files live in node_modules, which may sit above this checkout.
    vite: () => ({ server: { fs: { strict: false } } }),
  })
  const app = express()
  app.use("/app", router)
  const port = await freePort()
  const server = http.createServer(app)
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()))
  return {
    url: `http://localhost:${port}/app`,
    close: () =>
      new Promise<void>((resolve) => server.close(() => resolve())).finally(release),
  }
}

/** An admin user with a known password, through Medusa's auth routes and user workflow. */
export async function createAdminUser(api: AxiosInstance, container: MedusaContainer, email: string, password: string): Promise<void> {
  const registered = await api.post("/auth/user/emailpass/register", { email, password })
  const payload = JSON.parse(Buffer.from(String(registered.data.token).split(".")[1], "base64url").toString("utf8"))
  await createUserAccountWorkflow(container).run({ input: { authIdentityId: payload.auth_identity_id, userData: { email } } })
}
