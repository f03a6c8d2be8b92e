/** A real admin user and a JWT for it, through Medusa's own auth routes and user workflow. */
import type { AxiosInstance } from "axios"
import type { MedusaContainer } from "@medusajs/framework/types"
import { createUserAccountWorkflow } from "@medusajs/core-flows"

export async function adminAuthHeaders(api: AxiosInstance, container: MedusaContainer): Promise<Record<string, string>> {
  const email = `admin-${Date.now()}@example.com`
  const password = "meum-admin-password"
  const registered = await api.post("/auth/user/emailpass/register", { email, password })
  const payload = JSON.parse(Buffer.from(String(registered.data.token).split(".")[1], "base64url").toString("utf8"))
  await createUserAccountWorkflow(container).run({ input: { authIdentityId: payload.auth_identity_id, userData: { email } } })
  const login = await api.post("/auth/user/emailpass", { email, password })
  return { Authorization: `Bearer ${login.data.token}` }
}
