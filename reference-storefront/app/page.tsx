import { redirect } from "next/navigation"
import { defaultCountry } from "@/lib/env"

export const dynamic = "force-dynamic"

/** Prefix-less URLs go to the default country (the starter's middleware does this by geo/header). */
export default function Root() {
  redirect(`/${defaultCountry()}`)
}
