// What a view shows while its data loads or when the fetch failed: never "Loading…" forever.
import { Button, Text } from "@medusajs/ui"
import { useTranslation } from "react-i18next"

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error))

export function QueryState({ isLoading, error, onRetry }: { isLoading: boolean; error: unknown; onRetry: () => void }) {
  const { t } = useTranslation()
  if (error) {
    return (
      <div className="flex flex-wrap items-center gap-2 px-6 py-4" role="alert" data-testid="meum-load-error">
        <Text size="small" className="text-ui-fg-error">
          {t("meum.common.loadFailed", { message: errorMessage(error) })}
        </Text>
        <Button size="small" variant="secondary" onClick={onRetry}>
          {t("meum.common.retry")}
        </Button>
      </div>
    )
  }
  if (isLoading) {
    return (
      <Text size="small" className="px-6 py-4 text-ui-fg-subtle">
        {t("meum.common.loading")}
      </Text>
    )
  }
  return null
}
