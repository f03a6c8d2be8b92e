// The health page's webhook check for one Meum account: "Send test webhook" (Meum sends webhook.test to
// the account's endpoint; the toast says whether /hooks/meum received and verified it) and Meum's recent
// delivery attempts to that endpoint, read from Meum, shown beside what the store recorded.
import { Button, Text, toast, usePrompt } from "@medusajs/ui"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { sdk } from "../lib/sdk"
import { meumKeys } from "../lib/meum-api"
import { useMeumFormat } from "../lib/format"
import { errorMessage } from "./query-state"

export interface MeumDeliveryAttempt {
  id: string
  event_id: string | null
  event_type: string | null
  attempt_number: number | null
  status_code: number | null
  attempted_at: string | null
}

interface MeumAttempts {
  endpoint_id: string | null
  deliveries: MeumDeliveryAttempt[]
  error?: string
}

interface TestVerdict {
  result: "verified" | "rejected" | "not_received"
  event_id: string
  status_code: number | null
  detail: string
}

const path = (registrationId: string, leaf: string) => `/admin/meum/registrations/${encodeURIComponent(registrationId)}/${leaf}`

const attemptsKey = (registrationId: string) => [...meumKeys.all, "webhook-attempts", registrationId] as const

export function MeumWebhookTest({ registrationId }: { registrationId: string }) {
  const { t, label, date } = useMeumFormat()
  const prompt = usePrompt()
  const client = useQueryClient()
  const attempts = useQuery({
    queryKey: attemptsKey(registrationId),
    queryFn: () => sdk.client.fetch<MeumAttempts>(path(registrationId, "webhook-deliveries")),
    retry: false,
  })
  const test = useMutation({
    mutationFn: () => sdk.client.fetch<TestVerdict>(path(registrationId, "test-webhook"), { method: "POST" }),
    // The store's record and Meum's attempts both changed.
    onSettled: () => client.invalidateQueries({ queryKey: meumKeys.all }),
  })
  const endpointId = attempts.data?.endpoint_id

  const send = async () => {
    const confirmed = await prompt({
      title: t("meum.health.testWebhookPrompt.title"),
      description: t("meum.health.testWebhookPrompt.description", { endpoint: endpointId ?? "" }),
      confirmText: t("meum.health.testWebhookPrompt.confirm"),
      cancelText: t("meum.common.cancel"),
      variant: "confirmation",
    })
    if (!confirmed) return
    try {
      const verdict = await test.mutateAsync()
      const title = t(`meum.health.testWebhookResult.${verdict.result}`)
      if (verdict.result === "verified") toast.success(title, { description: verdict.detail })
      else toast.error(title, { description: verdict.detail })
    } catch (error) {
      toast.error(t("meum.health.testWebhookFailed"), { description: errorMessage(error) })
    }
  }

  if (attempts.isLoading) return <Text size="small">{t("meum.common.loading")}</Text>
  if (!endpointId) {
    return (
      <Text size="small" className="text-ui-fg-subtle" data-testid="meum-webhook-no-endpoint">
        {attempts.error ? t("meum.common.loadFailed", { message: errorMessage(attempts.error) }) : t("meum.health.testWebhookNoEndpoint")}
      </Text>
    )
  }
  const rows = attempts.data?.deliveries ?? []
  return (
    <div className="flex flex-col gap-2" data-testid="meum-webhook-attempts">
      <div>
        <Button size="small" variant="secondary" onClick={() => void send()} isLoading={test.isPending} data-testid="meum-test-webhook">
          {t("meum.health.testWebhook")}
        </Button>
      </div>
      <Text size="small" weight="plus">
        {t("meum.health.endpoint")} <span className="font-mono">{endpointId}</span>
      </Text>
      {attempts.data?.error && (
        <Text size="small" className="text-ui-fg-error">
          {t("meum.health.meumAttemptsFailed", { error: attempts.data.error })}
        </Text>
      )}
      {!attempts.data?.error && rows.length === 0 && <Text size="small">{t("meum.health.meumAttemptsNone")}</Text>}
      {rows.slice(0, 10).map((row) => (
        <Text key={row.id} size="small" data-testid="meum-webhook-attempt">
          {t("meum.health.meumAttemptRow", {
            event: label("events", row.event_type),
            eventId: row.event_id ?? t("meum.common.none"),
            when: date(row.attempted_at),
            attempt: row.attempt_number ?? "?",
            status: row.status_code ?? t("meum.health.meumAttemptNoAnswer"),
          })}
        </Text>
      ))}
    </div>
  )
}
