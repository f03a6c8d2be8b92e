// Order details widget: the Meum invoice behind the order, and "Re-check now".
import { defineWidgetConfig } from "@medusajs/admin-sdk"
import { Badge, Button, Container, Heading, Text } from "@medusajs/ui"
import { useCallback, useEffect, useState } from "react"

type MeumSession = {
  session_id: string
  session_status: string
  invoice: Record<string, string | null | undefined>
  ledger?: { state: string; attention_reason: string | null; attempts: number; decision: string | null }
}

type Props = { data: { id: string } }

const Row = ({ label, value }: { label: string; value?: string | null }) => (
  <div className="flex justify-between gap-4 py-1">
    <Text size="small" className="text-ui-fg-subtle">{label}</Text>
    <Text size="small" className="break-all text-right">{value ?? "—"}</Text>
  </div>
)

const MeumInvoiceWidget = ({ data }: Props) => {
  const [sessions, setSessions] = useState<MeumSession[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)

  const load = useCallback(async () => {
    const res = await fetch(`/admin/meum/orders/${data.id}`, { credentials: "include" })
    if (!res.ok) return setError(`Could not load the Meum invoice (HTTP ${res.status})`)
    setSessions((await res.json()).meum_sessions)
  }, [data.id])

  useEffect(() => {
    void load()
  }, [load])

  const recheck = async (sessionId: string) => {
    setBusy(true)
    try {
      const res = await fetch(`/admin/meum/payment-sessions/${sessionId}/reconcile`, { method: "POST", credentials: "include" })
      if (!res.ok) setError(`Re-check failed (HTTP ${res.status})`)
      await load()
    } finally {
      setBusy(false)
    }
  }

  const decideUnderpaid = async (sessionId: string, decision: "accept" | "reject") => {
    setBusy(true)
    try {
      const res = await fetch(`/admin/meum/payment-sessions/${sessionId}/underpaid`, {
        method: "POST",
        credentials: "include",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ decision }),
      })
      const body = await res.json().catch(() => ({}))
      setNotice(res.ok ? body.message : body.message ?? `Decision failed (HTTP ${res.status})`)
      await load()
    } finally {
      setBusy(false)
    }
  }

  if (sessions && sessions.length === 0) return null
  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Meum payment</Heading>
      </div>
      <div className="px-6 py-4">
        {error && <Text className="text-ui-fg-error">{error}</Text>}
        {notice && <Text size="small" data-testid="meum-notice">{notice}</Text>}
        {!sessions && !error && <Text size="small">Loading…</Text>}
        {sessions?.map((session) => (
          <div key={session.session_id} data-testid="meum-invoice">
            <div className="flex items-center gap-2 pb-2">
              <Badge>{session.invoice.status ?? "unknown"}</Badge>
              {session.invoice.status === "unknown" && (
                <Badge color="orange">Meum says: {String(session.invoice.reported_status ?? "no status")}</Badge>
              )}
              <Text size="small">session {session.session_status}</Text>
              {session.ledger && (
                <Badge color={session.ledger.state === "needs_attention" ? "red" : "grey"}>
                  ledger: {session.ledger.state}
                  {session.ledger.attention_reason ? ` (${session.ledger.attention_reason})` : ""}
                </Badge>
              )}
              {session.invoice.flag && <Badge color="red">{session.invoice.flag}</Badge>}
            </div>
            <Row label="Invoice" value={session.invoice.id} />
            <Row label="Asked" value={`${session.invoice.amount ?? ""} ${session.invoice.currency ?? ""}`} />
            <Row label="Paid" value={session.invoice.paid_amount} />
            <Row label="Output asset" value={session.invoice.output_asset} />
            <Row label="Transaction" value={session.invoice.transaction_hash} />
            <Row label="Expires" value={session.invoice.expires_at} />
            <Row label="Last checked" value={session.invoice.last_checked_at} />
            {session.invoice.checkout_url && (
              <a className="text-ui-fg-interactive text-sm" href={session.invoice.checkout_url} target="_blank" rel="noreferrer">
                Checkout page
              </a>
            )}
            <div className="mt-3 flex flex-wrap gap-2">
              <Button size="small" variant="secondary" disabled={busy} onClick={() => recheck(session.session_id)}>
                Re-check now
              </Button>
              {session.invoice.status === "underpaid" && !session.invoice.decision && (
                <>
                  <Button size="small" disabled={busy} onClick={() => decideUnderpaid(session.session_id, "accept")}>
                    Accept shortfall
                  </Button>
                  <Button size="small" variant="danger" disabled={busy} onClick={() => decideUnderpaid(session.session_id, "reject")}>
                    Reject (refund outside Medusa)
                  </Button>
                </>
              )}
            </div>
          </div>
        ))}
      </div>
    </Container>
  )
}

export const config = defineWidgetConfig({ zone: "order.details.side.after" })

export default MeumInvoiceWidget
