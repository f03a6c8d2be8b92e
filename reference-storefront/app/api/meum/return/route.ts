/**
 * Where Meum's hosted page sends the shopper back: `/api/meum/return?cart_id=…&country_code=…`
 * (buildMeumReturnUrl). This navigation is started by Meum's site, so the SameSite=strict cart
 * cookie is NOT sent: the cart id comes from the URL. It is a capability: this route only completes
 * the cart and redirects, it never renders cart data (Meum can see the URL).
 */
import { NextResponse, type NextRequest } from "next/server"
import { attemptMeumCompletion, parseMeumReturnUrl } from "@meum/storefront"
import { getSdk } from "@/lib/config"
import { removeCartId } from "@/lib/data/cookies"
import { defaultCountry, returnBudgetMs } from "@/lib/env"

export const dynamic = "force-dynamic"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function GET(req: NextRequest) {
  const to = (path: string) => NextResponse.redirect(new URL(path, req.nextUrl), 303)
  const parsed = parseMeumReturnUrl(req.nextUrl)
  if (!parsed.ok) return to(`/${defaultCountry()}`)
  const { cartId, countryCode } = parsed
  const pending = `/${countryCode}/checkout/meum-pending?${new URLSearchParams({ cart_id: cartId, country_code: countryCode })}`

  const deadline = Date.now() + returnBudgetMs()
  for (;;) {
    let attempt
    try {
      attempt = await attemptMeumCompletion(getSdk(), cartId)
    } catch {
      return to(pending) // the waiting page asks again and shows what it learns
    }
    if (attempt.kind === "order") {
      // Best effort: the strict cookie did not come with this request, but it can be deleted;
      // the confirmation page and the next add-to-cart make sure of it.
      await removeCartId()
      return to(`/${attempt.countryCode ?? countryCode}/order/${attempt.orderId}/confirmed`)
    }
    // underpaid, under_review, closed: the waiting page shows the message at once.
    if (attempt.kind !== "not_paid_yet" && attempt.kind !== "in_progress") return to(pending)
    if (Date.now() + 500 > deadline) return to(pending)
    await sleep(500)
  }
}
