// Every merchant decision asks first (what it does, that it cannot be undone) and says how it went.
import { toast, usePrompt } from "@medusajs/ui"
import { useTranslation } from "react-i18next"
import { useMeumAction, type ActionInput } from "../lib/meum-api"
import { errorMessage } from "./query-state"

export function useConfirmedAction() {
  const { t } = useTranslation()
  const prompt = usePrompt()
  const mutation = useMeumAction()

  const run = async (input: ActionInput) => {
    const invoice = input.invoiceId
    const confirmed = await prompt({
      title: t(`meum.prompts.${input.action}.title`),
      description: t(`meum.prompts.${input.action}.description`, { invoice }),
      confirmText: t(`meum.prompts.${input.action}.confirm`),
      cancelText: t("meum.common.cancel"),
      variant: input.action === "reject_shortfall" ? "danger" : "confirmation",
    })
    if (!confirmed) return
    try {
      const result = await mutation.mutateAsync(input)
      toast.success(t(`meum.toasts.${input.action}`, { invoice }), { description: result?.message })
    } catch (error) {
      toast.error(t("meum.toasts.failed"), { description: errorMessage(error) })
    }
  }

  return { run, isPending: mutation.isPending }
}
