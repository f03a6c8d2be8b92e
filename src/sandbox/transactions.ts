/**
 * The sandbox's on-chain transactions (meum-api.md §8.3 PublicTransaction), derived from an
 * invoice's state rather than stored: the same invoice always lists the same transactions (ids
 * and hashes are hashes of the invoice id), and a reset forgets them with the invoice.
 * - paid / underpaid (late ones too): a `payment_origin` (what the shopper sent: its hash is the
 *   invoice's `transaction_hash`, on the network and token the sandbox's shopper "picks",
 *   `ethereum` / `USDC`) and a `settlement` (paid out to the merchant in the output asset, on
 *   `near`, where the default output asset lives);
 * - refunded: the same two and a `refund` back to the shopper's wallet.
 * Order: oldest first within an invoice (origin, settlement, refund). Choices the docs leave open
 * are listed in docs/meum-api-and-sandbox.md.
 */
import { createHash } from "node:crypto"
import type { SandboxInvoice } from "./invoice-store"

export const TRANSACTION_TYPES = ["payment_origin", "settlement", "refund"] as const
export type TransactionType = (typeof TRANSACTION_TYPES)[number]

export interface SandboxTransaction {
  id: string
  invoice_id: string
  type: TransactionType
  network: string | null
  token: string | null
  amount: string | null
  transaction_hash: string
  from_wallet: string
  to_wallet: string
  confirmations: number
  status: string
  verified: boolean
  confirmed_at: string | null
  created_at: string
  updated_at: string
}

/** The shopper's pick on the sandbox's checkout page (Meum lets the buyer choose; the sandbox always picks these). */
export const SHOPPER_NETWORK = "ethereum"
export const SHOPPER_TOKEN = "USDC"
export const SETTLEMENT_NETWORK = "near"
/** The deposit address the status endpoint shows for open invoices. */
const DEPOSIT_ADDRESS = "0x5a4d0b00b5a4d0b00b5a4d0b00b5a4d0b00b5a4d"
const MERCHANT_WALLET = "merchant-payout.near"

const digest = (...parts: string[]): Buffer => createHash("sha256").update(parts.join(":")).digest()

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
/** A NEAR transaction hash is base58 of 32 bytes. */
function base58(bytes: Buffer): string {
  let value = BigInt("0x" + bytes.toString("hex"))
  let out = ""
  while (value > 0n) {
    out = BASE58[Number(value % 58n)] + out
    value /= 58n
  }
  return out
}

const MONEY_MOVED = new Set(["paid", "underpaid", "refunded"])

export function transactionsOfInvoice(invoice: SandboxInvoice): SandboxTransaction[] {
  if (!MONEY_MOVED.has(invoice.status) || !invoice.transaction_hash) return []
  const at = invoice.paid_at ?? invoice.updated_at
  const base = { invoice_id: invoice.id, amount: invoice.paid_amount, status: "confirmed", verified: true, confirmed_at: at, created_at: at, updated_at: at }
  const shopperWallet = "0x" + digest("shopper", invoice.id).subarray(0, 20).toString("hex")
  const txns: SandboxTransaction[] = [
    {
      ...base,
      id: "txn_" + digest("payment_origin", invoice.id).subarray(0, 16).toString("hex"),
      type: "payment_origin",
      network: SHOPPER_NETWORK,
      token: SHOPPER_TOKEN,
      transaction_hash: invoice.transaction_hash,
      from_wallet: shopperWallet,
      to_wallet: DEPOSIT_ADDRESS,
      confirmations: 12,
    },
    {
      ...base,
      id: "txn_" + digest("settlement", invoice.id).subarray(0, 16).toString("hex"),
      type: "settlement",
      network: SETTLEMENT_NETWORK,
      token: invoice.output_asset,
      transaction_hash: base58(digest("settlement-hash", invoice.id)),
      from_wallet: DEPOSIT_ADDRESS,
      to_wallet: MERCHANT_WALLET,
      confirmations: 1,
    },
  ]
  if (invoice.status === "refunded") {
    txns.push({
      ...base,
      confirmed_at: invoice.updated_at,
      created_at: invoice.updated_at,
      updated_at: invoice.updated_at,
      id: "txn_" + digest("refund", invoice.id).subarray(0, 16).toString("hex"),
      type: "refund",
      network: SHOPPER_NETWORK,
      token: SHOPPER_TOKEN,
      transaction_hash: "0x" + digest("refund-hash", invoice.id).toString("hex"),
      from_wallet: DEPOSIT_ADDRESS,
      to_wallet: shopperWallet,
      confirmations: 12,
    })
  }
  return txns
}
