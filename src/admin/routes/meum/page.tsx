// Admin → Meum: what needs the merchant (from the plugin's ledger), the latest webhook deliveries and the rejected ones.
import { defineRouteConfig } from "@medusajs/admin-sdk"
import { Badge, Button, Container, Heading, Table, Text } from "@medusajs/ui"
import { useCallback, useEffect, useState } from "react"

type Row = Record<string, string | number | null | undefined>
type Item = { invoice: Row; actions: string[]; deliveries: Row[] }
type Sample = { at?: string; reason?: string; http_status?: number; provider_id?: string | null; body_bytes?: number; header_lengths?: Record<string, number> }
type Rejected = { since: string; minutes: Array<{ window_start: string; reason: string; provider_id: string | null; count: number }>; samples: Sample[] }

const post = (url: string, body?: unknown) =>
  fetch(url, {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

const MeumPage = () => {
  const [items, setItems] = useState<Item[] | null>(null)
  const [deliveries, setDeliveries] = useState<Row[]>([])
  const [rejected, setRejected] = useState<Rejected | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const load = useCallback(async () => {
    const [attention, recent] = await Promise.all([
      fetch("/admin/meum/invoices", { credentials: "include" }),
      fetch("/admin/meum/deliveries", { credentials: "include" }),
    ])
    if (!attention.ok || !recent.ok) return setNotice(`Could not load the Meum ledger (HTTP ${attention.status}/${recent.status})`)
    setItems((await attention.json()).invoices)
    const recentBody = await recent.json()
    setDeliveries(recentBody.deliveries)
    setRejected(recentBody.rejected ?? null)
  }, [])

  useEffect(() => {
    void load()
  }, [load])

  const act = async (item: Item, action: string) => {
    setBusy(true)
    try {
      const sessionId = String(item.invoice.payment_session_id ?? "")
      const invoiceId = encodeURIComponent(String(item.invoice.invoice_id))
      const res =
        action === "recheck"
          ? await post(`/admin/meum/payment-sessions/${sessionId}/reconcile`)
          : action === "mark_resolved"
            ? await post(`/admin/meum/invoices/${invoiceId}/resolve`, {})
            : await post(`/admin/meum/payment-sessions/${sessionId}/underpaid`, { decision: action === "accept_shortfall" ? "accept" : "reject" })
      const body = await res.json().catch(() => ({}))
      setNotice(res.ok ? body.message ?? `${action}: done` : body.message ?? `${action} failed (HTTP ${res.status})`)
      await load()
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="flex flex-col gap-4">
      <Container className="divide-y p-0">
        <div className="px-6 py-4">
          <Heading level="h1">Meum: needs your attention</Heading>
          {notice && <Text size="small" data-testid="meum-page-notice">{notice}</Text>}
        </div>
        <div className="px-6 py-4" data-testid="meum-attention">
          {items === null && <Text size="small">Loading…</Text>}
          {items?.length === 0 && <Text size="small">Nothing needs you: every paid Meum invoice has its order.</Text>}
          {items?.map((item) => (
            <div key={String(item.invoice.invoice_id)} className="border-b py-3" data-testid="meum-attention-item">
              <div className="flex flex-wrap items-center gap-2">
                <Badge>{String(item.invoice.state)}</Badge>
                {item.invoice.attention_reason && <Badge color="red">{String(item.invoice.attention_reason)}</Badge>}
                <Text size="small">invoice {String(item.invoice.invoice_id)}</Text>
                <Text size="small" className="text-ui-fg-subtle">
                  Meum says {String(item.invoice.meum_status ?? "?")} · {String(item.invoice.amount ?? "")} {String(item.invoice.currency_code ?? "")} ·
                  attempts {String(item.invoice.attempts ?? 0)}
                </Text>
              </div>
              {item.invoice.last_error && <Text size="small" className="text-ui-fg-error">{String(item.invoice.last_error)}</Text>}
              <div className="mt-2 flex flex-wrap gap-2">
                {item.actions.map((action) => (
                  <Button key={action} size="small" variant="secondary" disabled={busy} onClick={() => act(item, action)}>
                    {action.replace(/_/g, " ")}
                  </Button>
                ))}
              </div>
              {item.deliveries.length > 0 && (
                <Text size="xsmall" className="text-ui-fg-subtle mt-1">
                  deliveries: {item.deliveries.map((d) => `${d.event_type} → ${d.outcome} (${d.http_status ?? "…"})`).join(", ")}
                </Text>
              )}
            </div>
          ))}
        </div>
      </Container>
      <Container className="p-0">
        <div className="px-6 py-4">
          <Heading level="h2">Latest webhook deliveries</Heading>
          <Text size="small" className="text-ui-fg-subtle">A run of bad_signature means the webhook secret configured in Medusa does not match Meum's.</Text>
        </div>
        <Table data-testid="meum-deliveries">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Received</Table.HeaderCell>
              <Table.HeaderCell>Event</Table.HeaderCell>
              <Table.HeaderCell>Invoice</Table.HeaderCell>
              <Table.HeaderCell>Verdict</Table.HeaderCell>
              <Table.HeaderCell>Outcome</Table.HeaderCell>
              <Table.HeaderCell>Answer</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {deliveries.map((d) => (
              <Table.Row key={String(d.id)}>
                <Table.Cell>{String(d.created_at ?? "")}</Table.Cell>
                <Table.Cell>{String(d.event_type ?? "—")}</Table.Cell>
                <Table.Cell>{String(d.invoice_id ?? "—")}</Table.Cell>
                <Table.Cell>{String(d.verdict)}</Table.Cell>
                <Table.Cell>{String(d.outcome ?? "—")}</Table.Cell>
                <Table.Cell>{String(d.http_status ?? "—")}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      </Container>
      <Container className="p-0" data-testid="meum-rejected">
        <div className="px-6 py-4">
          <Heading level="h2">Rejected webhook deliveries (last hour)</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Counted per minute and reason, not stored one by one. Samples show sizes only, never a header value or the body.
          </Text>
        </div>
        {rejected && rejected.minutes.length === 0 && (
          <Text size="small" className="px-6 pb-4">
            None.
          </Text>
        )}
        {rejected && rejected.minutes.length > 0 && (
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Minute</Table.HeaderCell>
                <Table.HeaderCell>Reason</Table.HeaderCell>
                <Table.HeaderCell>Provider</Table.HeaderCell>
                <Table.HeaderCell>Count</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {rejected.minutes.map((m) => (
                <Table.Row key={`${m.window_start}-${m.reason}-${m.provider_id ?? "-"}`}>
                  <Table.Cell>{m.window_start}</Table.Cell>
                  <Table.Cell>{m.reason}</Table.Cell>
                  <Table.Cell>{m.provider_id ?? "—"}</Table.Cell>
                  <Table.Cell>{m.count}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        )}
        {rejected && rejected.samples.length > 0 && (
          <div className="px-6 py-4">
            <Text size="small" weight="plus">
              Latest samples
            </Text>
            {rejected.samples.map((sample, i) => (
              <Text key={i} size="xsmall" className="text-ui-fg-subtle">
                {String(sample.at ?? "")} · {String(sample.reason ?? "")} · HTTP {String(sample.http_status ?? "")} · body {String(sample.body_bytes ?? 0)} bytes · headers{" "}
                {Object.entries(sample.header_lengths ?? {})
                  .map(([name, length]) => `${name}: ${length} chars`)
                  .join(", ") || "none"}
              </Text>
            ))}
          </div>
        )}
      </Container>
    </div>
  )
}

export const config = defineRouteConfig({ label: "Meum" })

export default MeumPage
