"use client"
import { useRouter } from "next/navigation"
import { useEffect } from "react"

/** Re-renders the page (fresh server data) every interval while `active`: an order-first order is captured later. */
export function RefreshWhile({ active, intervalMs }: { active: boolean; intervalMs: number }) {
  const router = useRouter()
  useEffect(() => {
    if (!active) return
    const timer = setInterval(() => router.refresh(), intervalMs)
    return () => clearInterval(timer)
  }, [active, intervalMs, router])
  return null
}
