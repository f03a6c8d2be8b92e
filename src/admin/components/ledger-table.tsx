// The ledger's invoices on the Meum page: a page at a time, filtered by state or searched by id,
// each row linked to its order and carrying the decisions the merchant can take.
import {
  Button,
  Container,
  DataTable,
  Heading,
  StatusBadge,
  Text,
  createDataTableColumnHelper,
  createDataTableFilterHelper,
  useDataTable,
  type DataTableFilteringState,
  type DataTablePaginationState,
} from "@medusajs/ui"
import { useMemo, useState } from "react"
import { Link } from "react-router-dom"
import { useMeumLedger, type LedgerInvoice } from "../lib/meum-api"
import { short, useMeumFormat } from "../lib/format"
import { DecisionTrail } from "./decision-trail"
import { QueryState } from "./query-state"
import { useConfirmedAction } from "./use-confirmed-action"

const PAGE_SIZE = 20
const STATE_FILTERS = ["attention", "needs_attention", "paid", "open", "completed", "resolved", "closed", "abandoned", "all"] as const

const stateColor = (state: string) =>
  state === "needs_attention" ? "red" : state === "paid" || state === "abandoned" ? "orange" : state === "completed" ? "green" : "grey"

const columnHelper = createDataTableColumnHelper<LedgerInvoice>()
const filterHelper = createDataTableFilterHelper<LedgerInvoice>()

export function LedgerTable() {
  const { t, label, money, date } = useMeumFormat()
  const [pagination, setPagination] = useState<DataTablePaginationState>({ pageIndex: 0, pageSize: PAGE_SIZE })
  const [filtering, setFiltering] = useState<DataTableFilteringState>({})
  const [search, setSearch] = useState("")
  const state = typeof filtering.state === "string" ? filtering.state : "attention"
  const query = { state, q: search, limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize }
  const ledger = useMeumLedger(query)
  const { run, isPending, dialog } = useConfirmedAction()

  const columns = useMemo(
    () => [
      columnHelper.accessor("invoice_id", {
        header: t("meum.page.columns.invoice"),
        cell: ({ row }) => (
          <div className="flex flex-col" title={row.original.invoice_id}>
            <Text size="small" className="font-mono">{short(row.original.invoice_id)}</Text>
            <Text size="xsmall" className="text-ui-fg-subtle">{row.original.provider_id}</Text>
          </div>
        ),
      }),
      columnHelper.accessor("state", {
        header: t("meum.page.columns.state"),
        cell: ({ row }) => (
          <div className="flex flex-col gap-1 whitespace-normal">
            <StatusBadge color={stateColor(row.original.state)}>{label("states", row.original.state)}</StatusBadge>
            {row.original.attention_reason && <Text size="xsmall">{label("reasons", row.original.attention_reason)}</Text>}
            {row.original.last_error && (
              <Text size="xsmall" className="text-ui-fg-error">
                {row.original.last_error}
              </Text>
            )}
            {row.original.attempts > 0 && (
              <Text size="xsmall" className="text-ui-fg-subtle">
                {t("meum.page.attempts", { count: row.original.attempts })}
              </Text>
            )}
          </div>
        ),
      }),
      columnHelper.accessor("amount", {
        header: t("meum.page.columns.amount"),
        cell: ({ row }) => money(row.original.amount, row.original.currency_code),
      }),
      columnHelper.accessor("meum_status", {
        header: t("meum.page.columns.meum"),
        cell: ({ row }) => label("meumStatus", row.original.meum_status),
      }),
      columnHelper.accessor("order_id", {
        header: t("meum.page.columns.order"),
        cell: ({ row }) =>
          row.original.order_id ? (
            <Link to={`/orders/${row.original.order_id}`} className="text-ui-fg-interactive hover:underline" data-testid="meum-order-link">
              {t("meum.common.order", { id: short(row.original.order_id, 6) })}
            </Link>
          ) : (
            <Text size="small" className="text-ui-fg-subtle">{t("meum.common.noOrder")}</Text>
          ),
      }),
      columnHelper.accessor("decision", {
        header: t("meum.page.columns.decision"),
        cell: ({ row }) => (
          <div className="whitespace-normal">
            <DecisionTrail decision={row.original.decision} note={row.original.decision_note} decidedBy={row.original.decided_by} decidedAt={row.original.decided_at} />
          </div>
        ),
      }),
      columnHelper.accessor("updated_at", {
        header: t("meum.page.columns.updated"),
        cell: ({ row }) => date(row.original.updated_at),
      }),
      columnHelper.display({
        id: "actions",
        header: t("meum.page.columns.actions"),
        cell: ({ row }) => (
          <div className="flex flex-wrap gap-1">
            {row.original.actions.map((action) => (
              <Button
                key={action}
                size="small"
                variant={action === "reject_shortfall" ? "danger" : "secondary"}
                disabled={isPending}
                onClick={(event) => {
                  event.stopPropagation()
                  void run({ action, sessionId: row.original.payment_session_id, invoiceId: row.original.invoice_id })
                }}
              >
                {t(`meum.actions.${action}`)}
              </Button>
            ))}
          </div>
        ),
      }),
    ],
    [t, label, money, date, run, isPending]
  )

  const filters = useMemo(
    () => [
      filterHelper.accessor("state", {
        type: "radio",
        label: t("meum.page.filterState"),
        options: STATE_FILTERS.map((value) => ({ label: label("states", value), value })),
      }),
    ],
    [t, label]
  )

  const table = useDataTable({
    data: ledger.data?.invoices ?? [],
    columns,
    filters,
    getRowId: (row) => row.id,
    rowCount: ledger.data?.count ?? 0,
    isLoading: ledger.isLoading,
    pagination: { state: pagination, onPaginationChange: setPagination },
    filtering: {
      state: filtering,
      onFilteringChange: (next) => {
        setFiltering(next)
        setPagination((current) => ({ ...current, pageIndex: 0 }))
      },
    },
    search: {
      state: search,
      onSearchChange: (next) => {
        setSearch(next)
        setPagination((current) => ({ ...current, pageIndex: 0 }))
      },
    },
  })

  return (
    <Container className="divide-y p-0" data-testid="meum-ledger">
      {dialog}
      <DataTable instance={table}>
        <DataTable.Toolbar className="flex flex-col items-start justify-between gap-2 md:flex-row md:items-center">
          <div>
            <Heading level="h2">{label("states", state)}</Heading>
          </div>
          <div className="flex gap-2">
            <div data-testid="meum-filter-menu">
              <DataTable.FilterMenu tooltip={t("meum.page.filterState")} />
            </div>
            <DataTable.Search placeholder={t("meum.page.searchPlaceholder")} />
          </div>
        </DataTable.Toolbar>
        {ledger.error ? (
          <QueryState isLoading={false} error={ledger.error} onRetry={() => void ledger.refetch()} />
        ) : (
          <>
            <DataTable.Table
              emptyState={{
                empty: { heading: t("meum.page.emptyTitle"), description: t("meum.page.emptyDescription") },
                filtered: { heading: t("meum.page.filteredEmptyTitle"), description: t("meum.page.filteredEmptyDescription") },
              }}
            />
            <DataTable.Pagination />
          </>
        )}
      </DataTable>
    </Container>
  )
}
