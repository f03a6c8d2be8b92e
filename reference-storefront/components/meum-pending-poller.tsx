"use client"
import Link from "next/link"
import { useRouter } from "next/navigation"
import { useEffect, useState } from "react"
import { pollMeum, type PollResult } from "@/lib/data/meum"

const GIVE_UP_MS = 10 * 60 * 1000

/**
 * Asks the store once per interval whether the order exists. Waiting (not paid yet, or another
 * completion — e.g. the webhook — holds the cart) → keep asking; an order → its confirmation page;
 * underpaid / under review → the message, stop (the payment is held for the merchant: never
 * "pay again"); closed → the message and a way back to the cart to pay again.
 */
export function MeumPendingPoller({ query, countryCode, intervalMs }: { query: string; countryCode: string; intervalMs: number }) {
  const router = useRouter()
  const [result, setResult] = useState<PollResult | null>(null)
  const [polls, setPolls] = useState(0)
  const [gaveUp, setGaveUp] = useState(false)

  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const started = Date.now()
    const tick = async () => {
      const next = await pollMeum(query).catch((error: Error): PollResult => ({ kind: "error", message: error.message }))
      if (stopped) return
      setResult(next)
      setPolls((n) => n + 1)
      if (next.kind === "order") {
        router.replace(`/${next.countryCode}/order/${next.orderId}/confirmed`)
        return
      }
      if (next.kind !== "not_paid_yet" && next.kind !== "in_progress" && next.kind !== "error") return
      if (Date.now() - started > GIVE_UP_MS) {
        setGaveUp(true)
        return
      }
      timer = setTimeout(tick, intervalMs)
    }
    void tick()
    return () => {
      stopped = true
      if (timer) clearTimeout(timer)
    }
  }, [query, intervalMs, router])

  if (gaveUp) {
    return <p data-testid="meum-gave-up">Your payment is still being confirmed. We will email you as soon as your order is placed.</p>
  }
  switch (result?.kind) {
    case undefined:
    case "not_paid_yet":
    case "in_progress":
    case "error":
      return (
        <p data-testid="meum-waiting" data-polls={polls} data-kind={result?.kind ?? "starting"}>
          Waiting for your payment to be confirmed… This page updates by itself.
        </p>
      )
    case "order":
      return <p data-testid="meum-order-found">Your order is placed. Opening it…</p>
    case "underpaid":
      return (
        <p role="alert" data-testid="meum-underpaid" data-paid-amount={result.paidAmount ?? ""}>
          {result.message}
        </p>
      )
    case "under_review":
      return (
        <p role="alert" data-testid="meum-under-review">
          {result.message}
        </p>
      )
    case "closed":
      return (
        <div role="alert" data-testid="meum-closed" data-reason={result.reason}>
          <p>{result.message}</p>
          <Link href={`/${countryCode}/cart`} data-testid="meum-pay-again">Back to your cart</Link>
        </div>
      )
    case "invalid":
      return <p role="alert" data-testid="meum-invalid">This payment link is not valid.</p>
  }
}
