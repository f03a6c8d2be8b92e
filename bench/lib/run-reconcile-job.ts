// `medusa exec` target of benchmark 6: one run of the reconcile job, as the worker runs it on
// its schedule, against the bench store; prints its summary on one line.
import type { ExecArgs } from "@medusajs/framework/types"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"

export default async function runReconcileJobOnce({ container }: ExecArgs) {
  const summary = await runMeumReconcile(container)
  process.stdout.write(`RECONCILE_SUMMARY=${JSON.stringify(summary)}\n`)
}
