// The invoice's on-chain transactions as the ledger stored them from Meum (payment, settlement,
// refund): network, token, amount, the hash linked to its explorer on known networks, confirmations,
// verified; and "Refresh from Meum", which reads them again.
import { Badge, Button, Text, toast } from "@medusajs/ui"
import { useMutation, useQueryClient } from "@tanstack/react-query"
import { errorMessage } from "./query-state"
import { explorerTxUrl } from "../lib/explorer-links"
import { short, useMeumFormat } from "../lib/format"
import { meumKeys } from "../lib/meum-api"
import { sdk } from "../lib/sdk"
import { storedTransactions, transactionsReadAt, type StoredTransaction } from "../lib/stored-transactions"

function TransactionHash({ txn }: { txn: StoredTransaction }) {
  const { t } = useMeumFormat()
  if (!txn.hash) return <>{t("meum.common.none")}</>
  const url = explorerTxUrl(txn.network, txn.hash)
  if (!url) return <span title={txn.hash}>{short(txn.hash)}</span>
  return (
    <a className="text-ui-fg-interactive" href={url} target="_blank" rel="noreferrer noopener" title={txn.hash} data-testid="meum-transaction-link">
      {short(txn.hash)}
    </a>
  )
}

function TransactionRow({ txn }: { txn: StoredTransaction }) {
  const { t, label } = useMeumFormat()
  return (
    <div className="border-ui-border-base border-t py-2" data-testid="meum-transaction" data-type={txn.type}>
      <div className="flex items-center justify-between gap-2">
        <Text size="small" weight="plus">
          {label("transactions.kinds", txn.type)}
        </Text>
        {txn.verified !== null && (
          <Badge size="2xsmall" color={txn.verified ? "green" : "orange"}>
            {t(txn.verified ? "meum.transactions.verified" : "meum.transactions.unverified")}
          </Badge>
        )}
      </div>
      <Text size="small" className="text-ui-fg-subtle" title={txn.token ?? undefined}>
        {t("meum.transactions.amountOn", {
          amount: [txn.amount, txn.token ? short(txn.token, 8) : null].filter(Boolean).join(" ") || t("meum.common.none"),
          network: txn.network ? label("transactions.networks", txn.network) : t("meum.common.none"),
        })}
      </Text>
      <div className="flex justify-between gap-2">
        <Text size="small" className="break-all">
          <TransactionHash txn={txn} />
        </Text>
        {txn.confirmations !== null && (
          <Text size="small" className="text-ui-fg-subtle whitespace-nowrap">
            {t("meum.transactions.confirmations", { count: txn.confirmations })}
          </Text>
        )}
      </div>
    </div>
  )
}

export function MeumTransactions({ invoiceId, ledger }: { invoiceId: string; ledger: unknown }) {
  const { t, date } = useMeumFormat()
  const client = useQueryClient()
  const refresh = useMutation({
    mutationFn: () => sdk.client.fetch(`/admin/meum/invoices/${encodeURIComponent(invoiceId)}/transactions/refresh`, { method: "POST" }),
    onSettled: () => client.invalidateQueries({ queryKey: meumKeys.all }),
  })
  if (!invoiceId || !ledger) return null
  const transactions = storedTransactions(ledger)
  const readAt = transactionsReadAt(ledger)
  const onRefresh = async () => {
    try {
      await refresh.mutateAsync()
      toast.success(t("meum.toasts.transactionsRefreshed", { invoice: invoiceId }))
    } catch (error) {
      toast.error(t("meum.toasts.failed"), { description: errorMessage(error) })
    }
  }
  return (
    <div className="pt-2" data-testid="meum-transactions">
      <Text size="small" weight="plus">
        {t("meum.transactions.title")}
      </Text>
      {transactions === null && (
        <Text size="small" className="text-ui-fg-subtle">
          {t("meum.transactions.notRead")}
        </Text>
      )}
      {transactions?.length === 0 && (
        <Text size="small" className="text-ui-fg-subtle">
          {t("meum.transactions.none")}
        </Text>
      )}
      {transactions?.map((txn) => <TransactionRow key={txn.id} txn={txn} />)}
      <div className="flex flex-wrap items-center justify-between gap-2 pt-1">
        {readAt ? (
          <Text size="xsmall" className="text-ui-fg-subtle">
            {t("meum.transactions.readAt", { when: date(readAt) })}
          </Text>
        ) : (
          <span />
        )}
        <Button size="small" variant="secondary" disabled={refresh.isPending} onClick={() => void onRefresh()} data-testid="meum-transactions-refresh">
          {t("meum.transactions.refresh")}
        </Button>
      </div>
    </div>
  )
}
