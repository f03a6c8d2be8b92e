export { reconcileMeumSessionWorkflow, reconcileMeumSessionWorkflowId, type ReconcileMeumSessionInput, type ReconcileOutcome } from "./reconcile-meum-session"
