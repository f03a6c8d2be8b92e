// Order details widget: the Meum invoice behind the order, what the plugin knows of it, the
// merchant's decision, and the actions it allows.
import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminOrder, DetailWidgetProps } from "@medusajs/framework/types"
import { Button, Container, Heading, StatusBadge, Text } from "@medusajs/ui"
import { DecisionTrail } from "../components/decision-trail"
import { MeumManualRefunds } from "../components/meum-manual-refund"
import { MeumTransactions } from "../components/meum-transactions"
import { QueryState } from "../components/query-state"
import { useConfirmedAction } from "../components/use-confirmed-action"
import { useOrderMeum, type OrderMeumSession } from "../lib/meum-api"
import { short, useMeumFormat } from "../lib/format"

const Row = ({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) => (
  <div className="flex justify-between gap-4 py-1" data-testid={testId}>
    <Text size="small" className="text-ui-fg-subtle">
      {label}
    </Text>
    <Text size="small" className="break-all text-right">
      {value}
    </Text>
  </div>
)

/** Meum statuses in which the shopper can still pay. */
const isOpen = (status: string | undefined) => status === "pending" || status === "quoted" || status === "awaiting_payment"

function MeumSession({ session }: { session: OrderMeumSession }) {
  const { t, label, money, date } = useMeumFormat()
  const { run, isPending, dialog } = useConfirmedAction()
  const invoice = session.invoice
  const ledger = session.ledger
  const currency = invoice.currency ?? session.currency_code
  const invoiceId = invoice.id ?? ""
  const undecidedUnderpaid = (invoice.status === "underpaid" || ledger?.attention_reason === "underpaid") && !invoice.decision && !ledger?.decision
  return (
    <div className="px-6 py-4" data-testid="meum-invoice">
      {dialog}
      <div className="flex flex-wrap items-center gap-2 pb-2">
        <StatusBadge color={invoice.status === "paid" ? "green" : invoice.status === "underpaid" ? "orange" : "grey"}>{label("meumStatus", invoice.status)}</StatusBadge>
        {ledger && <StatusBadge color={ledger.state === "needs_attention" ? "red" : ledger.state === "completed" ? "green" : "grey"}>{label("states", ledger.state)}</StatusBadge>}
      </div>
      {invoice.status === "unknown" && invoice.reported_status && <Text size="small">{t("meum.widget.reportedStatus", { status: invoice.reported_status })}</Text>}
      {ledger?.attention_reason && (
        <Text size="small" className="text-ui-fg-error">
          {label("reasons", ledger.attention_reason)}
        </Text>
      )}
      <Row label={t("meum.widget.invoice")} value={<span title={invoiceId}>{short(invoiceId)}</span>} />
      <Row label={t("meum.widget.asked")} value={money(invoice.amount, currency)} testId="meum-asked" />
      <Row label={t("meum.widget.paid")} value={money(invoice.paid_amount, currency)} testId="meum-paid" />
      {invoice.shortfall && <Row label={t("meum.widget.shortfall")} value={money(invoice.shortfall, currency)} testId="meum-shortfall" />}
      {invoice.paid_at && <Row label={t("meum.widget.paidAt")} value={date(invoice.paid_at)} testId="meum-paid-at" />}
      {invoice.output_asset && <Row label={t("meum.widget.asset")} value={<span title={invoice.output_asset}>{short(invoice.output_asset, 8)}</span>} />}
      {invoice.transaction_hash && <Row label={t("meum.widget.transaction")} value={<span title={invoice.transaction_hash}>{short(invoice.transaction_hash)}</span>} />}
      <Row label={t("meum.widget.session")} value={label("sessionStatus", session.session_status)} />
      {isOpen(invoice.status) && invoice.expires_at && <Row label={t("meum.widget.expires")} value={date(invoice.expires_at)} />}
      <Row label={t("meum.widget.lastChecked")} value={date(invoice.last_checked_at)} />
      {ledger && ledger.attempts > 0 && <Row label={t("meum.widget.attempts")} value={String(ledger.attempts)} />}
      {ledger?.last_error && <Row label={t("meum.widget.lastError")} value={ledger.last_error} />}
      {invoice.flag && <Row label={t("meum.widget.flag")} value={label("reasons", invoice.flag)} />}
      <div className="pt-2">
        <DecisionTrail decision={ledger?.decision ?? invoice.decision} note={ledger?.decision_note} decidedBy={ledger?.decided_by} decidedAt={ledger?.decided_at} />
      </div>
      <MeumTransactions invoiceId={invoiceId} ledger={ledger} />
      {invoice.checkout_url && isOpen(invoice.status) && (
        <a className="text-ui-fg-interactive txt-compact-small" href={invoice.checkout_url} target="_blank" rel="noreferrer">
          {t("meum.widget.checkout")}
        </a>
      )}
      <div className="mt-3 flex flex-wrap gap-2">
        <Button size="small" variant="secondary" disabled={isPending} onClick={() => void run({ action: "recheck", sessionId: session.session_id, invoiceId })}>
          {t("meum.actions.recheck")}
        </Button>
        {undecidedUnderpaid && (
          <>
            <Button size="small" disabled={isPending} onClick={() => void run({ action: "accept_shortfall", sessionId: session.session_id, invoiceId })}>
              {t("meum.actions.accept_shortfall")}
            </Button>
            <Button size="small" variant="danger" disabled={isPending} onClick={() => void run({ action: "reject_shortfall", sessionId: session.session_id, invoiceId })}>
              {t("meum.actions.reject_shortfall")}
            </Button>
          </>
        )}
      </div>
    </div>
  )
}

const MeumInvoiceWidget = ({ data }: DetailWidgetProps<AdminOrder>) => {
  const { t } = useMeumFormat()
  const sessions = useOrderMeum(data.id)
  // An order paid another way has no Meum section.
  if (sessions.data && sessions.data.meum_sessions.length === 0) return null
  return (
    <Container className="divide-y p-0" data-testid="meum-widget">
      <div className="px-6 py-4">
        <Heading level="h2">{t("meum.widget.title")}</Heading>
      </div>
      <QueryState isLoading={sessions.isLoading} error={sessions.error} onRetry={() => void sessions.refetch()} />
      {sessions.data?.meum_sessions.map((session) => <MeumSession key={session.session_id} session={session} />)}
      <MeumManualRefunds orderId={data.id} />
    </Container>
  )
}

// "order.details.side": Medusa 2.21's order page zone (the .before/.after zones are its legacy ones).
export const config = defineWidgetConfig({ zone: "order.details.side", id: "medusa-payment-meum:order-invoice" })

export default MeumInvoiceWidget
