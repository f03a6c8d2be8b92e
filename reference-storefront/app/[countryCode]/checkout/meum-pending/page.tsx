import { MeumPendingPoller } from "@/components/meum-pending-poller"
import { pollIntervalMs } from "@/lib/env"

export const dynamic = "force-dynamic"

/**
 * The waiting page after Meum: the return route sends the shopper here when the order does not
 * exist yet (payment still confirming, the webhook not in) or the payment needs a message. No
 * cart data is rendered here: the cart id in the URL is a capability.
 */
export default async function MeumPendingPage({
  params,
  searchParams,
}: {
  params: Promise<{ countryCode: string }>
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const { countryCode } = await params
  const search = await searchParams
  const query = new URLSearchParams()
  for (const key of ["cart_id", "country_code"]) {
    const value = search[key]
    if (typeof value === "string") query.set(key, value)
  }
  return (
    <section data-testid="meum-pending">
      <h1>Your crypto payment</h1>
      <MeumPendingPoller query={query.toString()} countryCode={countryCode} intervalMs={pollIntervalMs()} />
    </section>
  )
}
