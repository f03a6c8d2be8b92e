// The latest webhook deliveries the store verified, in words.
import { Container, Heading, Table, Text } from "@medusajs/ui"
import { useMeumDeliveries } from "../lib/meum-api"
import { short, useMeumFormat } from "../lib/format"
import { QueryState } from "./query-state"

export function DeliveriesTable() {
  const { t, label, date } = useMeumFormat()
  const deliveries = useMeumDeliveries()
  const rows = deliveries.data?.deliveries ?? []
  return (
    <Container className="divide-y p-0" data-testid="meum-deliveries">
      <div className="px-6 py-4">
        <Heading level="h2">{t("meum.page.deliveriesTitle")}</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          {t("meum.page.deliveriesHint")}
        </Text>
      </div>
      <QueryState isLoading={deliveries.isLoading} error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      {deliveries.data && rows.length === 0 && (
        <Text size="small" className="px-6 py-4">
          {t("meum.page.deliveriesEmpty")}
        </Text>
      )}
      {rows.length > 0 && (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>{t("meum.page.deliveryColumns.received")}</Table.HeaderCell>
              <Table.HeaderCell>{t("meum.page.deliveryColumns.event")}</Table.HeaderCell>
              <Table.HeaderCell>{t("meum.page.deliveryColumns.invoice")}</Table.HeaderCell>
              <Table.HeaderCell>{t("meum.page.deliveryColumns.verdict")}</Table.HeaderCell>
              <Table.HeaderCell>{t("meum.page.deliveryColumns.outcome")}</Table.HeaderCell>
              <Table.HeaderCell>{t("meum.page.deliveryColumns.answer")}</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {rows.map((d) => (
              <Table.Row key={d.id}>
                <Table.Cell>{date(d.created_at)}</Table.Cell>
                <Table.Cell>{d.event_type ?? t("meum.common.none")}</Table.Cell>
                <Table.Cell title={d.invoice_id ?? undefined}>{d.invoice_id ? short(d.invoice_id) : t("meum.common.none")}</Table.Cell>
                <Table.Cell>{label("verdicts", d.verdict)}</Table.Cell>
                <Table.Cell>{label("outcomes", d.outcome)}</Table.Cell>
                <Table.Cell>{d.http_status ? `HTTP ${d.http_status}` : t("meum.common.none")}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </Container>
  )
}
