// Explorer links of on-chain transactions in the admin: the networks and their explorers are
// defined once, beside the server's hash check (src/lib/onchain-networks.ts).
export { KNOWN_NETWORKS, explorerTxUrl, txHashProblem, type KnownNetwork } from "../../lib/onchain-networks"
