import { KNOWN_NETWORKS, explorerTxUrl } from "../explorer-links"

describe("admin explorer links", () => {
  it("link every known network's transaction, and nothing else", () => {
    const hashOf = { evm: "0x" + "1f".repeat(32), solana: "3".repeat(88), near: "4".repeat(44), tron: "2e".repeat(32), bitcoin: "2e".repeat(32) }
    for (const network of KNOWN_NETWORKS) {
      expect(explorerTxUrl(network.id, hashOf[network.family])).toMatch(/^https:\/\/[a-z.]+\/.*(tx|txns|transaction)\//)
    }
    expect(explorerTxUrl("other", hashOf.evm)).toBeUndefined()
  })
})
