/** iterateInvoices against a Meum whose pagination never ends: it stops, with a typed error. */
import { MeumClient, DEFAULT_MAX_LIST_PAGES } from "../client"
import { MeumApiError } from "../errors"
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from "./helpers/scripted-server"

const invoice = (id: string) => ({
  id,
  external_order_id: "cart_1",
  status: "awaiting_payment",
  amount: "41.00",
  currency: "USD",
  checkout_url: `https://pay.meum.io/${id}`,
  metadata: null,
  created_at: "2026-11-24T10:00:00Z",
  expires_at: "2099-12-31T23:59:59.999Z",
})

let server: ScriptedServer
let client: MeumClient
beforeEach(async () => {
  server = await startScriptedServer()
  client = new MeumClient({ apiKey: "sk_live_iterate_01", baseUrl: server.url, timeoutMs: 2000, retry: { maxAttempts: 1 } })
})
afterEach(async () => {
  client.close()
  await server.close()
})

async function drain(iterator: AsyncGenerator<unknown>): Promise<{ count: number; error?: unknown }> {
  let count = 0
  try {
    for await (const _ of iterator) count++
    return { count }
  } catch (error) {
    return { count, error }
  }
}

describe("iterateInvoices", () => {
  it("stops after a bounded number of pages when Meum answers has_more forever (fresh cursors)", async () => {
    let page = 0
    server.answer(() => {
      page++
      return { status: 200, body: { data: [invoice(`inv_page${page}`)], has_more: true, next_cursor: `inv_page${page}` } }
    })
    const { count, error } = await drain(client.iterateInvoices({ external_order_id: "cart_1" }))
    expect(error).toBeInstanceOf(MeumApiError)
    expect(error).toMatchObject({ code: "list_page_limit", kind: "final" })
    expect(server.requests).toHaveLength(DEFAULT_MAX_LIST_PAGES)
    expect(count).toBe(DEFAULT_MAX_LIST_PAGES)
  })

  it("honours a smaller page bound", async () => {
    server.answer((req: RecordedRequest) => ({ status: 200, body: { data: [invoice(`inv_${req.url.length}`)], has_more: true, next_cursor: `c${server.requests.length}` } }))
    const { error } = await drain(client.iterateInvoices({}, { maxPages: 3 }))
    expect(error).toMatchObject({ code: "list_page_limit" })
    expect(server.requests).toHaveLength(3)
  })

  it("stops on a repeated cursor instead of reading the same page again", async () => {
    server.answer({ status: 200, body: { data: [invoice("inv_same")], has_more: true, next_cursor: "inv_same" } })
    const { error } = await drain(client.iterateInvoices({ external_order_id: "cart_1" }))
    expect(error).toMatchObject({ code: "list_cursor_repeated", kind: "final" })
    expect(server.requests).toHaveLength(2)
  })

  it("still walks a normal listing to its end", async () => {
    server.answer(
      { status: 200, body: { data: [invoice("inv_a")], has_more: true, next_cursor: "inv_a" } },
      { status: 200, body: { data: [invoice("inv_b")], has_more: false, next_cursor: null } }
    )
    expect(await drain(client.iterateInvoices())).toEqual({ count: 2 })
  })
})
