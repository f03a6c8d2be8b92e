/**
 * The chains a Meum refund can be sent on, as the operator names them: a loose check of a
 * transaction hash per chain family (it catches a pasted address or a truncated hash, it does not
 * prove the transaction exists) and the public explorer page of a transaction. Pure: used by the
 * manual-refund admin route and, through src/admin/lib/explorer-links.ts, by the admin.
 */
export type ChainFamily = "evm" | "solana" | "near" | "tron" | "bitcoin"

export interface KnownNetwork {
  /** Meum's spelling where it has one (`ethereum`, `near` in its transactions). */
  id: string
  label: string
  family: ChainFamily
  /** The explorer page of a transaction; {hash} is replaced. */
  explorerTx: string
  /** Other spellings seen for it (token.network suffixes, tickers). */
  aliases?: readonly string[]
}

export const KNOWN_NETWORKS: readonly KnownNetwork[] = [
  { id: "ethereum", label: "Ethereum", family: "evm", explorerTx: "https://etherscan.io/tx/{hash}", aliases: ["eth"] },
  { id: "base", label: "Base", family: "evm", explorerTx: "https://basescan.org/tx/{hash}" },
  { id: "arbitrum", label: "Arbitrum One", family: "evm", explorerTx: "https://arbiscan.io/tx/{hash}", aliases: ["arb"] },
  { id: "optimism", label: "OP Mainnet", family: "evm", explorerTx: "https://optimistic.etherscan.io/tx/{hash}", aliases: ["op"] },
  { id: "polygon", label: "Polygon", family: "evm", explorerTx: "https://polygonscan.com/tx/{hash}", aliases: ["pol", "matic"] },
  { id: "bsc", label: "BNB Smart Chain", family: "evm", explorerTx: "https://bscscan.com/tx/{hash}", aliases: ["bnb"] },
  { id: "solana", label: "Solana", family: "solana", explorerTx: "https://solscan.io/tx/{hash}", aliases: ["sol"] },
  { id: "near", label: "NEAR", family: "near", explorerTx: "https://nearblocks.io/txns/{hash}" },
  { id: "tron", label: "Tron", family: "tron", explorerTx: "https://tronscan.org/#/transaction/{hash}", aliases: ["trx"] },
  { id: "bitcoin", label: "Bitcoin", family: "bitcoin", explorerTx: "https://mempool.space/tx/{hash}", aliases: ["btc"] },
]

/** A network id: a known one, or the operator's own name of another chain. */
export const NETWORK_ID = /^[a-z0-9][a-z0-9_.-]{0,39}$/

const BASE58 = "[1-9A-HJ-NP-Za-km-z]"
/**
 * Per family: EVM 0x + 32 bytes hex; Solana a 64-byte signature in base58; NEAR a 32-byte hash in
 * base58; Tron and Bitcoin 32 bytes hex (Tron's transaction ids are hex, its addresses base58).
 */
const HASH_FORMAT: Record<ChainFamily, { pattern: RegExp; expected: string }> = {
  evm: { pattern: /^0x[0-9a-f]{64}$/i, expected: "0x followed by 64 hex characters" },
  solana: { pattern: new RegExp(`^${BASE58}{80,90}$`), expected: "a base58 transaction signature (about 88 characters)" },
  near: { pattern: new RegExp(`^${BASE58}{40,50}$`), expected: "a base58 transaction hash (about 44 characters)" },
  tron: { pattern: /^[0-9a-f]{64}$/i, expected: "64 hex characters" },
  bitcoin: { pattern: /^[0-9a-f]{64}$/i, expected: "64 hex characters" },
}
/** Any other chain: one token of printable characters. */
const OTHER_HASH = /^[\x21-\x7e]{8,200}$/

/** The known network of an id or alias, any case. */
export function knownNetwork(id: string): KnownNetwork | undefined {
  const lowered = id.trim().toLowerCase()
  return KNOWN_NETWORKS.find((network) => network.id === lowered || network.aliases?.includes(lowered))
}

/** The hash as stored: hex is case-insensitive, so it is lower-cased (one spelling per transaction). */
export function normalizeTxHash(network: string, hash: string): string {
  const trimmed = hash.trim()
  const family = knownNetwork(network)?.family
  return family === "evm" || family === "tron" || family === "bitcoin" ? trimmed.toLowerCase() : trimmed
}

/** Why the hash cannot be a transaction of that network, or undefined when it may be. */
export function txHashProblem(network: string, hash: string): string | undefined {
  const trimmed = hash.trim()
  const known = knownNetwork(network)
  if (!known) return OTHER_HASH.test(trimmed) ? undefined : "must be the transaction hash (8 to 200 characters, no spaces)"
  const format = HASH_FORMAT[known.family]
  return format.pattern.test(trimmed) ? undefined : `is not a ${known.label} transaction hash (expected ${format.expected})`
}

/** The explorer page of a transaction on a known network; undefined for other networks or a malformed hash. */
export function explorerTxUrl(network: string | null | undefined, hash: string | null | undefined): string | undefined {
  if (!network || !hash) return undefined
  const known = knownNetwork(network)
  if (!known || txHashProblem(known.id, hash)) return undefined
  return known.explorerTx.replace("{hash}", encodeURIComponent(normalizeTxHash(known.id, hash)))
}
