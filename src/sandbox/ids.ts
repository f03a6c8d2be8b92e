import { randomBytes } from "node:crypto"

/** Meum ids: an opaque prefix + 32 lowercase hex (meum-api.md §4). */
export const newId = (prefix: "inv_" | "evt_" | "whd_"): string => prefix + randomBytes(16).toString("hex")

export const fakeTransactionHash = (): string => "0x" + randomBytes(32).toString("hex")
