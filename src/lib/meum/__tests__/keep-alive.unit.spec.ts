/**
 * A pooled connection must not outlive the server's keep-alive timeout: reusing a socket the server
 * is closing fails with ECONNRESET, which makes an invoice create ambiguous (seen as intermittent
 * "service is not answering" answers in the integration suites).
 */
import http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { MeumClient } from "../client"

const invoice = { id: "inv_1", status: "awaiting_payment", amount: "1.00", currency: "USD", checkout_url: "https://pay.meum.io/inv_1" }

describe("MeumClient keep-alive", () => {
  let server: http.Server
  let client: MeumClient

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.setHeader("content-type", "application/json")
      res.end(JSON.stringify(invoice))
    })
    server.keepAliveTimeout = 5000 // Node's default, announced as `Keep-Alive: timeout=5`
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    client = new MeumClient({ apiKey: "sk_live_keep_alive_test", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  })

  afterAll(async () => {
    client.close()
    await new Promise((resolve) => server.close(resolve))
  })

  it("closes an idle pooled socket before the server's announced keep-alive timeout", async () => {
    await client.getInvoice("inv_1")
    const agent = (client as unknown as { httpAgent: http.Agent }).httpAgent
    const idle = Object.values(agent.freeSockets).flat() as Socket[]
    expect(idle).toHaveLength(1)
    // The agent's idle timer: the server's 5 s minus Node's 1 s safety buffer.
    expect(idle[0].timeout).toBe(4000)
  })
})
