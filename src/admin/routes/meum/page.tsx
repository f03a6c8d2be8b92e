// Admin → Meum: the ledger's invoices (what needs the merchant first) and the latest webhook deliveries.
import { defineRouteConfig } from "@medusajs/admin-sdk"
import { CurrencyDollar } from "@medusajs/icons"
import { Container, Heading, Text } from "@medusajs/ui"
import { useTranslation } from "react-i18next"
import { Link } from "react-router-dom"
import { DeliveriesTable } from "../../components/deliveries-table"
import { LedgerTable } from "../../components/ledger-table"

const MeumPage = () => {
  const { t } = useTranslation()
  return (
    <div className="flex flex-col gap-3">
      <Container className="flex items-center justify-between px-6 py-4">
        <div>
          <Heading level="h1">{t("meum.page.title")}</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            {t("meum.page.subtitle")}
          </Text>
        </div>
        <Link to="/meum/health" className="text-ui-fg-interactive txt-compact-small-plus hover:underline">
          {t("meum.page.healthLink")}
        </Link>
      </Container>
      <LedgerTable />
      <DeliveriesTable />
    </div>
  )
}

export const config = defineRouteConfig({ label: "meum.nav", translationNs: "translation", icon: CurrencyDollar })

export default MeumPage
