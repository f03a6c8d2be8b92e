import Link from "next/link"
import { notFound } from "next/navigation"
import type { ReactNode } from "react"
import { getRegion } from "@/lib/data/regions"

export const dynamic = "force-dynamic"

export default async function CountryLayout({ children, params }: { children: ReactNode; params: Promise<{ countryCode: string }> }) {
  const { countryCode } = await params
  if (!/^[a-z]{2}$/.test(countryCode) || !(await getRegion(countryCode))) notFound()
  return (
    <>
      <header style={{ display: "flex", gap: "1rem", borderBottom: "1px solid #ddd", paddingBottom: ".5rem", marginBottom: "1rem" }}>
        <Link href={`/${countryCode}`} data-testid="nav-shop">Shop</Link>
        <Link href={`/${countryCode}/cart`} data-testid="nav-cart">Cart</Link>
      </header>
      <main>{children}</main>
    </>
  )
}
