/**
 * Meum payment sessions that may still need the plugin and that the ledger has no invoice for
 * (step 2 of the reconcile job). An anti-join in SQL (the ledger and the payment module share the
 * store's database): one query whatever the number of open sessions. Newest first; each run takes
 * `limit` more. The leading "_" keeps Medusa's job loader from registering this file as a job.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

export async function sessionsMissingFromLedger(container: MedusaContainer, limit: number): Promise<string[]> {
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION) as any
  const rows: Array<{ id: string }> = await knex("payment_session as ps")
    .select("ps.id")
    .where("ps.provider_id", "like", "pp_meum%")
    .whereNull("ps.deleted_at")
    .whereIn("ps.status", ["pending", "pending_authorization", "requires_more", "authorized"])
    .whereRaw("(ps.data ->> 'invoice_id') is not null")
    .whereNotExists(
      knex("meum_invoice as mi").select(knex.raw("1")).whereRaw("mi.invoice_id = ps.data ->> 'invoice_id'").whereNull("mi.deleted_at")
    )
    .orderBy("ps.created_at", "desc")
    .limit(limit)
  return rows.map((row) => row.id)
}
