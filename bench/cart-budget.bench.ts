/**
 * Benchmark 7 (issue 18 point 3): one cart cannot spend the store's Meum budget. The sandbox
 * enforces Meum's documented 30 creates / 60 s (per IP: the whole store shares it). For one
 * minute a looping cart asks for a new payment session every 3 s (20 POSTs, its quantity
 * alternating so each needs a new invoice) while N other shoppers each start one checkout,
 * spread over the same minute. Measured: the share of other shoppers who got a payable
 * invoice (target 100 %); the looping cart's answers are reported.
 */
import axios from "axios"
import { startBenchStore, type BenchStore } from "./lib/medusa-store"
import type { Row } from "./lib/report"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function benchCartBudget(store: BenchStore, shoppers: number, loopPosts = 20, minuteMs = 60_000): Promise<{ rows: Row[]; detail: Record<string, unknown> }> {
  const api = axios.create({ baseURL: store.url, validateStatus: () => true })
  const headers = { "x-publishable-api-key": store.seed.publishableKey }
  const newCart = async (email: string) => {
    const { data } = await api.post("/store/carts", { region_id: store.seed.regionId, email, items: [{ variant_id: store.seed.variantId, quantity: 1 }] }, { headers })
    const collection = await api.post("/store/payment-collections", { cart_id: data.cart.id }, { headers })
    return { cart: data.cart, collectionId: collection.data.payment_collection.id as string }
  }
  const startSession = (collectionId: string) => api.post(`/store/payment-collections/${collectionId}/payment-sessions`, { provider_id: "pp_meum_meum" }, { headers })

  const looping = await newCart("looping@example.com")
  const itemId = looping.cart.items[0].id as string
  const loopAnswers: Record<string, number> = {}
  const loop = (async () => {
    for (let i = 0; i < loopPosts; i++) {
      const at = Date.now()
      await api.post(`/store/carts/${looping.cart.id}/line-items/${itemId}`, { quantity: i % 2 === 0 ? 2 : 1 }, { headers })
      const res = await startSession(looping.collectionId)
      loopAnswers[res.status] = (loopAnswers[res.status] ?? 0) + 1
      await sleep(Math.max(0, minuteMs / loopPosts - (Date.now() - at)))
    }
  })()
  const others = await Promise.all(
    Array.from({ length: shoppers }, async (_, index) => {
      await sleep(((index + 0.5) * minuteMs) / shoppers)
      const { collectionId } = await newCart(`shopper-${index}@example.com`)
      const res = await startSession(collectionId)
      const session = res.data?.payment_collection?.payment_sessions?.[0]
      return res.status === 200 && typeof session?.data?.checkout_url === "string" ? "served" : `${res.status} ${res.data?.message ?? ""}`.trim()
    })
  )
  await loop
  const served = others.filter((outcome) => outcome === "served").length
  const share = served / shoppers
  const refusals = others.filter((outcome) => outcome !== "served")
  return {
    rows: [
      {
        name: `7. cart budget: ${shoppers} shoppers beside a cart looping ${loopPosts} session POSTs/min (sandbox 30 creates/min)`,
        measured: `${(share * 100).toFixed(0)} % served; looping cart answers ${JSON.stringify(loopAnswers)}`,
        baseline: "100 % served",
        ratio: share,
        target: "100 % of the other shoppers served",
        pass: served === shoppers,
      },
    ],
    detail: { served, shoppers, loopAnswers, refusals: refusals.slice(0, 5) },
  }
}

/** `node -r ts-node/register/transpile-only bench/cart-budget.bench.ts`: this row alone, on its own store. */
if (require.main === module) {
  void (async () => {
    const log = (line: string) => process.stderr.write(`[bench] ${line}\n`)
    const store = await startBenchStore({ sandboxRateLimit: { max: 30, windowMs: 60_000 }, log })
    try {
      const result = await benchCartBudget(store, Number(process.env.BENCH_BUDGET_SHOPPERS ?? 10))
      console.log(JSON.stringify(result, null, 2))
    } finally {
      await store.stop()
    }
  })().catch((error) => {
    console.error(error)
    process.exit(2)
  })
}
