/** The hosted checkout page over HTTP: render, pay, underpay, fail. */
import { MeumClient } from "../../lib/meum/client"
import { startMeumSandbox, type MeumSandbox } from ".."

const KEY = "sk_live_checkout_page_01"
let sandbox: MeumSandbox
let client: MeumClient

beforeEach(async () => {
  sandbox = await startMeumSandbox({ webhookSecret: "whsec_page", apiKeys: [KEY] })
  client = new MeumClient({ apiKey: KEY, baseUrl: sandbox.url })
})
afterEach(async () => {
  client.close()
  await sandbox.stop()
})

const submit = (url: string, action: string) =>
  fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ action, token: "USDC · Ethereum" }).toString(),
    redirect: "manual",
  })

describe("hosted checkout page", () => {
  it("renders the invoice with amount, currency, expiry, token choice and the three buttons", async () => {
    const invoice = await client.createInvoice({ amount: "41.00", currency: "USD", return_url: "https://shop.example.com/r?x=<script>" })
    const res = await fetch(invoice.checkout_url!)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('data-testid="amount">41.00 <span data-testid="currency">USD</span>')
    expect(html).toContain(`datetime="${invoice.expires_at}"`)
    expect(html).toContain('data-testid="token"')
    for (const testId of ["pay-full", "pay-underpaid", "pay-fail"]) expect(html).toContain(`data-testid="${testId}"`)
    expect(html).not.toContain("<script>")
  })

  it("pays in full and redirects to the return_url", async () => {
    const invoice = await client.createInvoice({ amount: "41.00", currency: "USD", return_url: "https://shop.example.com/return?cart=1" })
    const res = await submit(invoice.checkout_url!, "pay_full")
    expect(res.status).toBe(303)
    expect(res.headers.get("location")).toBe("https://shop.example.com/return?cart=1")
    expect(await client.getInvoice(invoice.id)).toEqual(expect.objectContaining({ status: "paid", paid_amount: "41.00" }))
    const after = await (await fetch(invoice.checkout_url!)).text()
    expect(after).toContain('data-testid="final-state"')
    expect(after).not.toContain('data-testid="pay-full"')
  })

  it("pays less (underpaid) and fails", async () => {
    const under = await client.createInvoice({ amount: "40.00", currency: "USD", return_url: "https://shop.example.com/r" })
    expect((await submit(under.checkout_url!, "pay_underpaid")).status).toBe(303)
    expect(await client.getInvoice(under.id)).toEqual(expect.objectContaining({ status: "underpaid", paid_amount: "20.00" }))

    const failed = await client.createInvoice({ amount: "40.00", currency: "USD", return_url: "https://shop.example.com/r" })
    const res = await submit(failed.checkout_url!, "fail")
    expect(res.status).toBe(303)
    expect(res.headers.get("location")).toBe(`/pay/${failed.id}`)
    expect((await client.getInvoice(failed.id)).status).toBe("failed")
    expect((await submit(failed.checkout_url!, "pay_full")).status).toBe(409)
  })

  it("404s unknown invoices and 400s unknown actions", async () => {
    expect((await fetch(`${sandbox.url}/pay/inv_00000000000000000000000000000000`)).status).toBe(404)
    const invoice = await client.createInvoice({ amount: "1.00", currency: "USD" })
    expect((await submit(invoice.checkout_url!, "steal")).status).toBe(400)
  })
})
