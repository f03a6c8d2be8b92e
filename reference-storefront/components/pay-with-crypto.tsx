"use client"
import { useRouter } from "next/navigation"
import { useEffect, useState, type FormEvent } from "react"
import { startMeumPayment } from "@/lib/data/meum"

/**
 * Email + "Pay with crypto". The server action reads the session fresh and returns Meum's
 * checkout_url (reused when still payable: a double click makes no second invoice); the browser
 * goes there. Never the checkout_url of render time: it may be stale or expired.
 */
export function PayWithCrypto({ countryCode, label = "Pay with crypto", needsEmail = true, defaultEmail = "" }: { countryCode: string; label?: string; needsEmail?: boolean; defaultEmail?: string }) {
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  // Back from Meum's page through the browser's back/forward cache: the page is restored as left.
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return
      setBusy(false)
      router.refresh()
    }
    window.addEventListener("pageshow", onShow)
    return () => window.removeEventListener("pageshow", onShow)
  }, [router])

  const pay = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (busy) return
    setBusy(true)
    setError(null)
    const email = needsEmail ? String(new FormData(event.currentTarget).get("email") ?? "") : undefined
    try {
      const result = await startMeumPayment(countryCode, email)
      if ("url" in result) {
        window.location.assign(result.url)
        return
      }
      setError(result.error)
      // Paid or held for the merchant: the page re-renders without the button (the message stays).
      if (result.code === "cart_completed" || result.code === "already_paid" || result.code === "under_review" || result.code === "order_canceled") router.refresh()
    } catch {
      setError("Something went wrong. Please try again.")
    }
    setBusy(false)
  }

  return (
    <form onSubmit={pay} data-testid="pay-form">
      {needsEmail ? (
        <p>
          <label>
            Email <input type="email" name="email" required defaultValue={defaultEmail} data-testid="email-input" />
          </label>
        </p>
      ) : null}
      <button type="submit" disabled={busy} data-testid="pay-with-crypto">
        {busy ? "Redirecting to Meum…" : label}
      </button>
      {error ? (
        <p role="alert" data-testid="payment-error" style={{ color: "#b00" }}>
          {error}
        </p>
      ) : null}
    </form>
  )
}
