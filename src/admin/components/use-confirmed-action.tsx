// Every merchant decision asks first (what it does, that it cannot be undone) and says how it went.
// A decision on an invoice (accept or reject a shortfall, mark resolved) also takes the merchant's
// note, recorded with who and when; a re-check only asks.
import { useState } from "react"
import { Label, Prompt, Textarea, toast, usePrompt } from "@medusajs/ui"
import { useTranslation } from "react-i18next"
import { useMeumAction, type ActionInput, type LedgerAction } from "../lib/meum-api"
import { errorMessage } from "./query-state"

const WITH_NOTE: ReadonlySet<LedgerAction> = new Set(["accept_shortfall", "reject_shortfall", "mark_resolved"])

interface Asking {
  input: ActionInput
  /** The note (possibly empty), or undefined when the merchant cancelled. */
  answer: (note: string | undefined) => void
}

export function useConfirmedAction() {
  const { t } = useTranslation()
  const prompt = usePrompt()
  const mutation = useMeumAction()
  const [asking, setAsking] = useState<Asking | null>(null)
  const [note, setNote] = useState("")

  const askWithNote = (input: ActionInput) =>
    new Promise<string | undefined>((resolve) => {
      setNote("")
      setAsking({ input, answer: resolve })
    })

  const confirm = async (input: ActionInput): Promise<{ note?: string } | undefined> => {
    if (WITH_NOTE.has(input.action)) {
      const written = await askWithNote(input)
      return written === undefined ? undefined : written.trim() ? { note: written.trim() } : {}
    }
    const confirmed = await prompt({
      title: t(`meum.prompts.${input.action}.title`),
      description: t(`meum.prompts.${input.action}.description`, { invoice: input.invoiceId }),
      confirmText: t(`meum.prompts.${input.action}.confirm`),
      cancelText: t("meum.common.cancel"),
      variant: "confirmation",
    })
    return confirmed ? {} : undefined
  }

  const run = async (input: ActionInput) => {
    const invoice = input.invoiceId
    const confirmed = await confirm(input)
    if (!confirmed) return
    try {
      const result = await mutation.mutateAsync({ ...input, ...confirmed })
      toast.success(t(`meum.toasts.${input.action}`, { invoice }), { description: result?.message })
    } catch (error) {
      toast.error(t("meum.toasts.failed"), { description: errorMessage(error) })
    }
  }

  const close = (answer: string | undefined) => {
    asking?.answer(answer)
    setAsking(null)
  }
  const dialog = asking ? (
    <Prompt open variant={asking.input.action === "reject_shortfall" ? "danger" : "confirmation"} onOpenChange={(open) => (open ? undefined : close(undefined))}>
      <Prompt.Content>
        <Prompt.Header>
          <Prompt.Title>{t(`meum.prompts.${asking.input.action}.title`)}</Prompt.Title>
          <Prompt.Description>{t(`meum.prompts.${asking.input.action}.description`, { invoice: asking.input.invoiceId })}</Prompt.Description>
        </Prompt.Header>
        <div className="flex flex-col gap-y-2 px-6 pb-4">
          <Label htmlFor="meum-decision-note">{t("meum.prompts.noteLabel")}</Label>
          <Textarea id="meum-decision-note" data-testid="meum-decision-note" value={note} maxLength={500} onChange={(event) => setNote(event.target.value)} />
        </div>
        <Prompt.Footer>
          <Prompt.Cancel onClick={() => close(undefined)}>{t("meum.common.cancel")}</Prompt.Cancel>
          <Prompt.Action onClick={() => close(note)}>{t(`meum.prompts.${asking.input.action}.confirm`)}</Prompt.Action>
        </Prompt.Footer>
      </Prompt.Content>
    </Prompt>
  ) : null

  return { run, isPending: mutation.isPending, dialog }
}
