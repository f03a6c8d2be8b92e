/** A structural MeumStorefrontSdk with jest mocks, answering like Medusa's store API (js-sdk shapes). */
import type { MeumStorefrontSdk } from "../../sdk"

/** What js-sdk throws for an HTTP error (FetchError: message, statusText, status). */
export const fetchError = (status: number, message: string) => Object.assign(new Error(message), { status, statusText: String(status) })

export const meumSession = (overrides: Record<string, any> = {}) => {
  const { data, ...rest } = overrides
  return {
    id: "payses_1",
    provider_id: "pp_meum_meum",
    status: "pending",
    amount: 41,
    ...rest,
    data: {
      checkout_url: "https://pay.meum.example/i/inv_1",
      invoice_id: "inv_1",
      status: "awaiting_payment",
      expires_at: null,
      return_url: "https://shop.example/api/meum/return?cart_id=cart_1&country_code=dk",
      ...data,
    },
  }
}

export const openCart = (sessions: any[] = [], overrides: Record<string, any> = {}) => ({
  id: "cart_1",
  total: 41,
  completed_at: null,
  payment_collection: { id: "pay_col_1", amount: 41, payment_sessions: sessions },
  ...overrides,
})

type CompleteAnswer = { type: "order"; order: any } | { type: "cart"; cart: any; error?: any } | Error

export function mockSdk(setup: { carts?: any[]; completes?: CompleteAnswer[]; initiated?: any[] } = {}) {
  const carts = [...(setup.carts ?? [openCart()])]
  const completes = [...(setup.completes ?? [])]
  const initiated = [...(setup.initiated ?? [])]
  const next = <T>(queue: T[], what: string): T => {
    if (!queue.length) throw new Error(`unexpected ${what}`)
    return queue.length > 1 ? queue.shift()! : queue[0]
  }
  const retrieve = jest.fn(async (_id: string, _query?: Record<string, unknown>, _headers?: Record<string, string>) => ({ cart: next(carts, "cart.retrieve") }))
  const complete = jest.fn(async (_id: string, _query?: Record<string, unknown>, _headers?: Record<string, string>) => {
    const answer = next(completes, "cart.complete")
    if (answer instanceof Error) throw answer
    return answer
  })
  const initiatePaymentSession = jest.fn(async (cart: any, body: { provider_id: string; data?: Record<string, unknown> }, _query?: unknown, _headers?: Record<string, string>) => {
    const session = next(initiated, "payment.initiatePaymentSession")
    if (session instanceof Error) throw session
    return { payment_collection: { id: cart.payment_collection?.id ?? "pay_col_new", payment_sessions: [{ ...session, provider_id: body.provider_id }] } }
  })
  const sdk: MeumStorefrontSdk = { store: { cart: { retrieve, complete }, payment: { initiatePaymentSession } } }
  return { sdk, retrieve, complete, initiatePaymentSession }
}
