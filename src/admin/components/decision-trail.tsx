// Who decided what on an invoice, when, and the note they left.
import { Text } from "@medusajs/ui"
import { useDecider } from "../lib/meum-api"
import { useMeumFormat } from "../lib/format"

export function DecisionTrail({
  decision,
  note,
  decidedBy,
  decidedAt,
}: {
  decision: string | null | undefined
  note: string | null | undefined
  decidedBy: string | null | undefined
  decidedAt: string | null | undefined
}) {
  const { t, label, date } = useMeumFormat()
  const who = useDecider(decidedBy)
  if (!decision) return null
  const name = who.data ?? (decidedBy ? (decidedBy.startsWith("user_") ? t("meum.decision.someone") : decidedBy) : t("meum.decision.system"))
  return (
    <div data-testid="meum-decision">
      <Text size="small">{t("meum.decision.trail", { decision: label("decision", decision), who: name, when: date(decidedAt) })}</Text>
      {note && (
        <Text size="small" className="text-ui-fg-subtle">
          {t("meum.decision.note", { note })}
        </Text>
      )}
    </div>
  )
}
