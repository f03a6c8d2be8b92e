"use client"
import { useEffect } from "react"
import { clearCompletedCart } from "@/lib/data/cart"

/** Rendering cannot write cookies: once the order is shown, a server action drops the completed cart's cookie. */
export function ClearCompletedCart() {
  useEffect(() => {
    void clearCompletedCart().catch(() => undefined)
  }, [])
  return null
}
