import type { ReactNode } from "react"

export const metadata = { title: "Meum reference storefront" }

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", maxWidth: "40rem", margin: "2rem auto", padding: "0 1rem", color: "#111" }}>{children}</body>
    </html>
  )
}
