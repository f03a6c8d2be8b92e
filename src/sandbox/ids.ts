import { randomBytes, randomUUID } from "node:crypto"
import type { IdStyle } from "./settings"

/** Meum ids: an opaque prefix + 32 lowercase hex (meum-api.md §4). */
export const newId = (prefix: "inv_" | "evt_" | "whd_" | "wh_"): string => prefix + randomBytes(16).toString("hex")

/**
 * An invoice id in the chosen style: "uuid" = a lowercase RFC 4122 v4 UUID like the developers
 * landing page (`a1b2c3d4-e5f6-7890-abcd-ef1234567890`), "inv" = `inv_` + 32 hex (API reference).
 */
export const newInvoiceId = (style: IdStyle): string => (style === "uuid" ? randomUUID().toLowerCase() : newId("inv_"))

/** The documented prefixed-id pattern of path and cursor parameters (meum-api.md §4). */
export const PREFIXED_ID_PATTERN = /^(inv_|txn_|plink_|wh_|whd_|evt_|int_)[0-9a-z]{20,32}$/
/** A lowercase UUID, the landing page's invoice id shape. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const fakeTransactionHash = (): string => "0x" + randomBytes(32).toString("hex")
