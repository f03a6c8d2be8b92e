// Admin → Meum → Settings and health: each Meum account the store is registered with, the webhook
// URL to paste into Meum, whether Meum's API answers, the last webhook per account beside Meum's own
// delivery attempts (with a "Send test webhook" button), and the rejected deliveries of the last day.
import { Badge, Container, Copy, Heading, StatusBadge, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"
import { QueryState } from "../../../components/query-state"
import { useMeumHealth, type MeumHealth } from "../../../lib/meum-api"
import { useMeumFormat } from "../../../lib/format"
import { MeumWebhookTest } from "../../../components/meum-webhook-test"

const Field = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <div className="grid grid-cols-3 gap-4 py-1">
    <Text size="small" className="text-ui-fg-subtle">
      {label}
    </Text>
    <div className="col-span-2 break-all">{children}</div>
  </div>
)

function Registration({ registration }: { registration: MeumHealth["registrations"][number] }) {
  const { t, label, date } = useMeumFormat()
  const last = registration.last_delivery
  return (
    <div className="px-6 py-4" data-testid="meum-registration">
      <Heading level="h3" className="pb-2">
        {registration.provider_id}
      </Heading>
      <Field label={t("meum.health.apiHost")}>
        <Text size="small">{registration.api_host}</Text>
      </Field>
      <Field label={t("meum.health.mode")}>
        <Text size="small">{registration.order_first ? t("meum.health.orderFirst") : t("meum.health.payFirst")}</Text>
      </Field>
      <Field label={t("meum.health.ping")}>
        <StatusBadge color={registration.ping.ok ? "green" : "red"} data-testid="meum-ping">
          {registration.ping.ok ? t("meum.health.pingOk", { ms: registration.ping.ms }) : t("meum.health.pingFailed", { error: registration.ping.error ?? "" })}
        </StatusBadge>
      </Field>
      <Field label={`${t("meum.health.lastDelivery")} (${t("meum.health.storeRecorded")})`}>
        <Text size="small" data-testid="meum-last-delivery">
          {last
            ? t("meum.health.lastDeliveryValue", {
                event: last.event_type ?? t("meum.common.none"),
                when: date(last.created_at),
                verdict: label("verdicts", last.verdict),
                outcome: label("outcomes", last.outcome),
              })
            : t("meum.health.lastDeliveryNone")}
        </Text>
      </Field>
      <Field label={t("meum.health.meumAttempts")}>
        <MeumWebhookTest registrationId={registration.registration_id} />
      </Field>
      <Field label={t("meum.health.ownWebhook")}>
        <div className="flex items-center gap-1">
          <Text size="small" className="font-mono">
            {registration.webhook_url_own}
          </Text>
          <Copy content={registration.webhook_url_own} />
        </div>
      </Field>
    </div>
  )
}

const MeumHealthPage = () => {
  const { t, label, date } = useMeumFormat()
  const health = useMeumHealth()
  const data = health.data
  return (
    <div className="flex flex-col gap-3">
      <Container className="px-6 py-4">
        <Link to="/meum" className="text-ui-fg-interactive txt-compact-small hover:underline">
          {t("meum.health.back")}
        </Link>
        <Heading level="h1" className="pt-2">
          {t("meum.health.title")}
        </Heading>
        <Text size="small" className="text-ui-fg-subtle">
          {t("meum.health.subtitle")}
        </Text>
      </Container>
      {!data && (
        <Container className="p-0">
          <QueryState isLoading={health.isLoading} error={health.error} onRetry={() => void health.refetch()} />
        </Container>
      )}
      {data && (
        <>
          <Container className="px-6 py-4" data-testid="meum-webhook-url">
            <Heading level="h2">{t("meum.health.webhookTitle")}</Heading>
            <div className="flex items-center gap-2 py-2">
              <Text className="font-mono">{data.webhook_url}</Text>
              <Copy content={data.webhook_url} />
            </div>
            <Text size="small" className="text-ui-fg-subtle">
              {t("meum.health.webhookHint")}
            </Text>
            {!data.webhook_url.startsWith("https://") && (
              <Badge color="orange" className="mt-2">
                {t("meum.health.webhookNotHttps")}
              </Badge>
            )}
          </Container>
          <Container className="divide-y p-0" data-testid="meum-registrations">
            <div className="px-6 py-4">
              <Heading level="h2">{t("meum.health.registrationsTitle")}</Heading>
            </div>
            {data.registrations.length === 0 && (
              <Text size="small" className="px-6 py-4">
                {t("meum.health.registrationsEmpty")}
              </Text>
            )}
            {data.registrations.map((registration) => (
              <Registration key={registration.provider_id} registration={registration} />
            ))}
          </Container>
          <Container className="px-6 py-4" data-testid="meum-rejected">
            <Heading level="h2">{t("meum.health.rejectedTitle")}</Heading>
            {data.rejected.total === 0 ? (
              <Text size="small" className="pt-2">
                {t("meum.health.rejectedNone")}
              </Text>
            ) : (
              <div className="pt-2">
                <Text size="small" weight="plus">
                  {t("meum.health.rejectedTotal", { count: data.rejected.total })}
                </Text>
                {data.rejected.by_reason.map((row) => (
                  <Text key={`${row.reason}:${row.provider_id ?? "-"}`} size="small">
                    {t("meum.health.rejectedRow", { reason: label("verdicts", row.reason), count: row.count, when: date(row.last_at) })}
                    {` · ${row.provider_id ?? t("meum.health.anyAccount")}`}
                  </Text>
                ))}
              </div>
            )}
          </Container>
        </>
      )}
    </div>
  )
}

export default MeumHealthPage
