/**
 * The one Medusa refund reason of on-chain manual refunds, created on first use through Medusa's
 * workflow. Refund reasons have no unique index on `code`, so the create runs under Medusa's lock
 * and every reader takes the oldest row with the code: should two processes with an in-memory lock
 * each create one, all of them still agree on the same reason.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createRefundReasonsWorkflow } from "@medusajs/core-flows"
import { MANUAL_REFUND_REASON } from "../../../../../../lib/manual-refund-notes"

async function oldestReasonId(container: MedusaContainer): Promise<string | undefined> {
  const payment = container.resolve(Modules.PAYMENT)
  // `code` is a column of refund_reason in Medusa 2.21, not yet in its filter type.
  const filters = { code: MANUAL_REFUND_REASON.code } as Parameters<typeof payment.listRefundReasons>[0]
  const [reason] = await payment.listRefundReasons(filters, { order: { created_at: "ASC" }, take: 1, select: ["id"] })
  return reason?.id
}

export async function manualRefundReasonId(container: MedusaContainer): Promise<string> {
  const found = await oldestReasonId(container)
  if (found) return found
  const locking = container.resolve(Modules.LOCKING)
  return locking.execute(
    "meum:manual-refund-reason",
    async () => {
      const raced = await oldestReasonId(container)
      if (raced) return raced
      await createRefundReasonsWorkflow(container).run({ input: { data: [{ ...MANUAL_REFUND_REASON }] } })
      return (await oldestReasonId(container))!
    },
    { timeout: 10 }
  )
}
