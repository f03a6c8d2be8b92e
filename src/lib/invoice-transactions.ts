/**
 * Reads an invoice's on-chain transactions from Meum (`GET /v1/invoices/{id}/transactions`) and
 * stores them in the ledger with the time of the read: used by the reconcile job's pass (once per
 * settled invoice) and by the admin's refresh. A failed read stores nothing (it throws).
 */
import type { MeumClient } from "./meum/client"
import type { Transaction } from "./meum/schemas"

export interface TransactionsStore {
  storeTransactions(invoiceId: string, transactions: Array<Record<string, unknown>>, readAt: Date): Promise<boolean>
}

export async function readAndStoreTransactions(
  client: Pick<MeumClient, "listInvoiceTransactions">,
  ledger: TransactionsStore,
  invoiceId: string,
  now: Date = new Date()
): Promise<Transaction[]> {
  const { data } = await client.listInvoiceTransactions(invoiceId)
  await ledger.storeTransactions(invoiceId, data, now)
  return data
}
