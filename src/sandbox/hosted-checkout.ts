import { isOpenInvoiceStatus } from "../lib/meum/invoice"
/**
 * The hosted checkout page at each invoice's checkout_url (Meum's pay.meum.io/{invoiceId}):
 * amount, currency, expiry and a token/network choice, with buttons to pay in full, pay less
 * (underpaid) or fail. Paying redirects the browser to the invoice's return_url.
 */
import express, { type Router } from "express"
import { z } from "zod"

import { SandboxStateError, type InvoiceStore, type SandboxInvoice } from "./invoice-store"

const TOKENS = ["USDC · Ethereum", "USDT · Tron", "USDC · Solana", "USDC · NEAR"] as const

const escapeHtml = (value: unknown): string =>
  String(value ?? "").replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!)

const actionSchema = z.object({
  action: z.enum(["pay_full", "pay_underpaid", "fail"]),
  token: z.enum(TOKENS).optional(),
})

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#111}
.card{border:1px solid #ddd;border-radius:12px;padding:1.5rem}.amount{font-size:2rem;font-weight:700}
button{display:block;width:100%;margin:.5rem 0;padding:.75rem;border-radius:8px;border:1px solid #333;font-size:1rem;cursor:pointer}
button.primary{background:#111;color:#fff}.muted{color:#666;font-size:.9rem}.badge{display:inline-block;padding:.2rem .5rem;border-radius:6px;background:#eee}</style>
</head><body><div class="card">${body}<p class="muted">Meum sandbox — no real funds move.</p></div></body></html>`
}

export function renderCheckout(invoice: SandboxInvoice): string {
  const summary = `<h1>Pay with crypto</h1>
<p class="amount" data-testid="amount">${escapeHtml(invoice.amount)} <span data-testid="currency">${escapeHtml(invoice.currency)}</span></p>
<p>Invoice <code data-testid="invoice-id">${escapeHtml(invoice.id)}</code></p>
<p>Status: <span class="badge" data-testid="status">${escapeHtml(invoice.status)}</span></p>`
  if (!isOpenInvoiceStatus(invoice.status)) {
    const back = invoice.return_url
      ? `<p><a data-testid="return-link" href="${escapeHtml(invoice.return_url)}">Return to the store</a></p>`
      : ""
    return page(`Invoice ${invoice.status}`, `${summary}<p data-testid="final-state">This invoice is ${escapeHtml(invoice.status)}.</p>${back}`)
  }
  const options = TOKENS.map((token) => `<option value="${escapeHtml(token)}">${escapeHtml(token)}</option>`).join("")
  return page(
    "Pay with crypto",
    `${summary}<p>Expires <time data-testid="expires-at" datetime="${escapeHtml(invoice.expires_at)}">${escapeHtml(invoice.expires_at)}</time></p>
<form method="post" action="/pay/${encodeURIComponent(invoice.id)}">
<label>Token and network <select name="token" data-testid="token">${options}</select></label>
<button class="primary" type="submit" name="action" value="pay_full" data-testid="pay-full" id="pay-full">Pay in full</button>
<button type="submit" name="action" value="pay_underpaid" data-testid="pay-underpaid" id="pay-underpaid">Pay less (underpaid)</button>
<button type="submit" name="action" value="fail" data-testid="pay-fail" id="pay-fail">Fail payment</button>
</form>`
  )
}

export function createCheckoutRouter(store: InvoiceStore): Router {
  const router = express.Router()
  router.use("/pay", express.urlencoded({ extended: false, limit: "10kb" }))

  router.get("/pay/:id", (req, res) => {
    const invoice = store.get(req.params.id)
    if (!invoice) {
      res.status(404).type("html").send(page("Not found", "<h1>Invoice not found</h1>"))
      return
    }
    res.type("html").send(renderCheckout(invoice))
  })

  router.post("/pay/:id", (req, res) => {
    const parsed = actionSchema.safeParse(req.body ?? {})
    if (!parsed.success) {
      res.status(400).type("html").send(page("Bad request", "<h1>Unknown action</h1>"))
      return
    }
    const outcome = parsed.data.action === "pay_full" ? "paid" : parsed.data.action === "pay_underpaid" ? "underpaid" : "failed"
    try {
      const invoice = store.simulate(req.params.id, outcome)
      if (invoice.return_url && outcome !== "failed") {
        res.redirect(303, invoice.return_url)
        return
      }
      res.redirect(303, `/pay/${encodeURIComponent(invoice.id)}`)
    } catch (error) {
      if (error instanceof SandboxStateError) {
        res.status(error.httpStatus).type("html").send(page("Not payable", `<h1>${escapeHtml(error.message)}</h1>`))
        return
      }
      throw error
    }
  })
  return router
}
