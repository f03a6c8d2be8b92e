// The order widget's refund section for Meum payments: Meum has no refund API, so with the option
// refunds: "manual" the merchant sends the money on-chain and records it here with its transaction
// (Medusa records the refund with the reason "Meum manual refund (on-chain)"). Lists every refund
// of the order's Meum payments with its transaction linked to an explorer, and a refund Meum itself
// reported after the order was placed (invoice.refunded) with Meum's refund transaction.
import { useState } from "react"
import { Button, Heading, Input, Label, Select, Text, Textarea, toast, usePrompt } from "@medusajs/ui"
import { KNOWN_NETWORKS, explorerTxUrl, txHashProblem } from "../lib/explorer-links"
import { short, useMeumFormat } from "../lib/format"
import type { OrderMeumSession } from "../lib/meum-api"
import { useOrderMeumPayments, useRecordManualRefund, type OrderMeumPayment, type OrderMeumRefund } from "../lib/meum-refunds-api"
import { storedTransactions } from "../lib/stored-transactions"
import { errorMessage } from "./query-state"

const OTHER = "other"

const TxLink = ({ network, hash, url }: { network: string | null; hash: string; url?: string | null }) => {
  const href = url ?? explorerTxUrl(network, hash)
  const text = <span title={hash}>{short(hash)}</span>
  return href ? (
    <a className="text-ui-fg-interactive txt-compact-small" href={href} target="_blank" rel="noreferrer" data-testid="meum-refund-tx-link">
      {text}
    </a>
  ) : (
    <Text size="small">{text}</Text>
  )
}

/** A network's name as the transactions list says it (en.json), else the id as typed. */
function useNetworkLabel() {
  const { t } = useMeumFormat()
  return (id: string | null) => (id ? t(`meum.transactions.networks.${id}`, { defaultValue: KNOWN_NETWORKS.find((network) => network.id === id)?.label ?? id }) : "")
}

function RefundRow({ refund, currency }: { refund: OrderMeumRefund; currency: string }) {
  const { t, money, date } = useMeumFormat()
  const networkLabel = useNetworkLabel()
  return (
    <div className="flex flex-col gap-y-1 py-1" data-testid="meum-refund-row">
      <div className="flex justify-between gap-4">
        <Text size="small" weight="plus">
          {money(refund.amount, currency)}
        </Text>
        <Text size="small" className="text-ui-fg-subtle">
          {date(refund.created_at)}
        </Text>
      </div>
      {refund.transaction_hash ? (
        <div className="flex justify-between gap-4">
          <Text size="small" className="text-ui-fg-subtle">
            {networkLabel(refund.network)}
          </Text>
          <TxLink network={refund.network} hash={refund.transaction_hash} url={refund.explorer_url} />
        </div>
      ) : (
        <Text size="small" className="text-ui-fg-subtle">
          {t("meum.refunds.noTransaction")}
        </Text>
      )}
      {refund.reason && (
        <Text size="small" className="text-ui-fg-subtle">
          {refund.reason}
        </Text>
      )}
    </div>
  )
}

function RecordForm({ payment, onDone }: { payment: OrderMeumPayment; onDone: () => void }) {
  const { t, money } = useMeumFormat()
  const networkLabel = useNetworkLabel()
  const prompt = usePrompt()
  const record = useRecordManualRefund()
  const [amount, setAmount] = useState(String(payment.refundable))
  const [network, setNetwork] = useState<string>(KNOWN_NETWORKS[0].id)
  const [otherNetwork, setOtherNetwork] = useState("")
  const [hash, setHash] = useState("")
  const [note, setNote] = useState("")

  const chosenNetwork = network === OTHER ? otherNetwork.trim().toLowerCase() : network
  const amountValue = Number(amount)
  const amountProblem =
    !Number.isFinite(amountValue) || amountValue <= 0
      ? t("meum.refunds.form.amountPositive")
      : amountValue > payment.refundable
        ? t("meum.refunds.form.amountTooHigh", { max: money(payment.refundable, payment.currency_code) })
        : undefined
  const hashProblem = hash.trim() ? txHashProblem(chosenNetwork || OTHER, hash) : undefined
  const ready = !amountProblem && !hashProblem && hash.trim() !== "" && chosenNetwork !== ""

  const submit = async () => {
    const confirmed = await prompt({
      title: t("meum.refunds.prompt.title"),
      description: t("meum.refunds.prompt.description", {
        amount: money(amountValue, payment.currency_code),
        network: networkLabel(chosenNetwork),
        hash: hash.trim(),
      }),
      confirmText: t("meum.refunds.prompt.confirm"),
      cancelText: t("meum.common.cancel"),
      variant: "confirmation",
    })
    if (!confirmed) return
    try {
      const answer = await record.mutateAsync({
        paymentId: payment.payment_id,
        amount: amountValue,
        network: chosenNetwork,
        transaction_hash: hash.trim(),
        note: note.trim() || undefined,
      })
      toast.success(t(answer.replayed ? "meum.refunds.toast.replayed" : "meum.refunds.toast.recorded"), {
        description: t("meum.refunds.toast.description", { amount: money(answer.refund.amount, payment.currency_code), hash: short(answer.refund.transaction_hash) }),
      })
      onDone()
    } catch (error) {
      toast.error(t("meum.refunds.toast.failed"), { description: errorMessage(error) })
    }
  }

  return (
    <div className="flex flex-col gap-y-3 pt-2" data-testid="meum-manual-refund-form">
      <Text size="small" className="text-ui-fg-subtle">
        {t("meum.refunds.form.explain")}
      </Text>
      <div className="flex flex-col gap-y-1">
        <Label size="small" htmlFor="meum-refund-amount">
          {t("meum.refunds.form.amount", { currency: payment.currency_code.toUpperCase() })}
        </Label>
        <Input id="meum-refund-amount" size="small" type="number" min={0} step="any" value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={Boolean(amountProblem)} />
        <Text size="xsmall" className={amountProblem ? "text-ui-fg-error" : "text-ui-fg-subtle"}>
          {amountProblem ?? t("meum.refunds.form.amountHint", { max: money(payment.refundable, payment.currency_code) })}
        </Text>
      </div>
      <div className="flex flex-col gap-y-1">
        <Label size="small">{t("meum.refunds.form.network")}</Label>
        <Select size="small" value={network} onValueChange={setNetwork}>
          <Select.Trigger data-testid="meum-refund-network">
            <Select.Value />
          </Select.Trigger>
          <Select.Content>
            {KNOWN_NETWORKS.map((known) => (
              <Select.Item key={known.id} value={known.id}>
                {networkLabel(known.id)}
              </Select.Item>
            ))}
            <Select.Item value={OTHER}>{t("meum.refunds.form.otherNetwork")}</Select.Item>
          </Select.Content>
        </Select>
        {network === OTHER && (
          <Input size="small" placeholder={t("meum.refunds.form.otherNetworkPlaceholder")} value={otherNetwork} onChange={(e) => setOtherNetwork(e.target.value)} aria-label={t("meum.refunds.form.otherNetwork")} />
        )}
      </div>
      <div className="flex flex-col gap-y-1">
        <Label size="small" htmlFor="meum-refund-hash">
          {t("meum.refunds.form.hash")}
        </Label>
        <Input id="meum-refund-hash" size="small" value={hash} onChange={(e) => setHash(e.target.value)} aria-invalid={Boolean(hashProblem)} autoComplete="off" spellCheck={false} />
        {hashProblem && (
          <Text size="xsmall" className="text-ui-fg-error">
            {t("meum.refunds.form.hashProblem", { problem: hashProblem })}
          </Text>
        )}
      </div>
      <div className="flex flex-col gap-y-1">
        <Label size="small" htmlFor="meum-refund-note">
          {t("meum.refunds.form.note")}
        </Label>
        <Textarea id="meum-refund-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} rows={2} />
      </div>
      <div className="flex gap-2">
        <Button size="small" disabled={!ready || record.isPending} isLoading={record.isPending} onClick={() => void submit()}>
          {t("meum.refunds.form.submit")}
        </Button>
        <Button size="small" variant="secondary" disabled={record.isPending} onClick={onDone}>
          {t("meum.common.cancel")}
        </Button>
      </div>
    </div>
  )
}

function PaymentRefunds({ payment }: { payment: OrderMeumPayment }) {
  const { t, money } = useMeumFormat()
  const [open, setOpen] = useState(false)
  const canRecord = payment.refunds_mode === "manual" && payment.refundable > 0
  return (
    <div className="flex flex-col gap-y-1" data-testid="meum-payment-refunds">
      <div className="flex justify-between gap-4">
        <Text size="small" className="text-ui-fg-subtle">
          {t("meum.refunds.refunded")}
        </Text>
        <Text size="small" data-testid="meum-refunded-total">
          {money(payment.refunded, payment.currency_code)} / {money(payment.captured, payment.currency_code)}
        </Text>
      </div>
      {payment.refunds.map((refund) => (
        <RefundRow key={refund.id} refund={refund} currency={payment.currency_code} />
      ))}
      {payment.refunds_mode !== "manual" && payment.captured > 0 && (
        <Text size="xsmall" className="text-ui-fg-subtle">
          {t("meum.refunds.refused")}
        </Text>
      )}
      {canRecord && !open && (
        <div className="pt-1">
          <Button size="small" variant="secondary" onClick={() => setOpen(true)}>
            {t("meum.refunds.record")}
          </Button>
        </div>
      )}
      {canRecord && open && <RecordForm payment={payment} onDone={() => setOpen(false)} />}
    </div>
  )
}

/** invoice.refunded after capture: Meum returned the money itself; its refund transaction(s), once read. */
function RefundedAtMeum({ session }: { session: OrderMeumSession }) {
  const { t } = useMeumFormat()
  const networkLabel = useNetworkLabel()
  const transactions = storedTransactions(session.ledger)
  const refunds = (transactions ?? []).filter((transaction) => transaction.type === "refund")
  return (
    <div className="flex flex-col gap-y-1" data-testid="meum-refunded-at-meum">
      <Text size="small" weight="plus" className="text-ui-fg-error">
        {t("meum.refunds.refundedAtMeum")}
      </Text>
      {refunds.map((transaction) => (
        <div key={transaction.id} className="flex justify-between gap-4">
          <Text size="small" className="text-ui-fg-subtle">
            {[transaction.amount, transaction.token, networkLabel(transaction.network)].filter(Boolean).join(" ")}
          </Text>
          {transaction.hash ? <TxLink network={transaction.network} hash={transaction.hash} /> : <Text size="small">{t("meum.common.none")}</Text>}
        </div>
      ))}
      {refunds.length === 0 && (
        <Text size="xsmall" className="text-ui-fg-subtle">
          {t(transactions === null ? "meum.refunds.meumRefundNotRead" : "meum.refunds.meumRefundNone")}
        </Text>
      )}
    </div>
  )
}

export function MeumManualRefunds({ orderId }: { orderId: string }) {
  const { t } = useMeumFormat()
  const order = useOrderMeumPayments(orderId)
  const payments = order.data?.meum_payments ?? []
  const refundedAtMeum = (order.data?.meum_sessions ?? []).filter(
    (session) => session.invoice.status === "refunded" || session.ledger?.attention_reason === "refunded_after_capture"
  )
  if (payments.length === 0 && refundedAtMeum.length === 0) return null
  return (
    <div className="flex flex-col gap-y-2 px-6 py-4" data-testid="meum-refunds">
      <Heading level="h3">{t("meum.refunds.title")}</Heading>
      {refundedAtMeum.map((session) => (
        <RefundedAtMeum key={session.session_id} session={session} />
      ))}
      {payments.map((payment) => (
        <PaymentRefunds key={payment.payment_id} payment={payment} />
      ))}
    </div>
  )
}
