/** The body of POST /admin/meum/payments/:id/manual-refund, checked before anything is read or written. */
import { z } from "zod"
import { NETWORK_ID, knownNetwork, normalizeTxHash, txHashProblem } from "../../../../../../lib/onchain-networks"

export const paymentIdSchema = z.string().regex(/^pay_[A-Za-z0-9]+$/, "must be a payment id (pay_…)")

export const manualRefundBodySchema = z
  .object({
    /** In the payment's currency, major units (as Medusa's own refund route takes it). */
    amount: z.coerce.number().finite().positive("must be more than 0"),
    network: z
      .string()
      .trim()
      .toLowerCase()
      .regex(NETWORK_ID, "must be a network id such as ethereum, solana, tron (or your own name of another chain)")
      // One spelling per chain: an alias (eth, sol) is stored as the known id.
      .transform((network) => knownNetwork(network)?.id ?? network),
    transaction_hash: z.string().trim().min(1, "is required").max(200),
    note: z.string().trim().max(500).optional(),
  })
  .superRefine((body, ctx) => {
    const problem = txHashProblem(body.network, body.transaction_hash)
    if (problem) ctx.addIssue({ code: "custom", path: ["transaction_hash"], message: problem })
  })
  .transform((body) => ({ ...body, transaction_hash: normalizeTxHash(body.network, body.transaction_hash), note: body.note || undefined }))

export type ManualRefundBody = z.infer<typeof manualRefundBodySchema>

export const issuesMessage = (error: z.ZodError): string => error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")
