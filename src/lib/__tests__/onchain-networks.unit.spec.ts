import { explorerTxUrl, knownNetwork, normalizeTxHash, txHashProblem } from "../onchain-networks"

const EVM = "0x" + "ab".repeat(32)
const HEX = "cd".repeat(32)
const SOLANA = "5".repeat(44) + "K".repeat(44)
const NEAR = "9".repeat(44)

describe("txHashProblem (a loose check per chain family)", () => {
  it.each([
    ["ethereum", EVM],
    ["base", EVM.toUpperCase().replace("0X", "0x")],
    ["solana", SOLANA],
    ["near", NEAR],
    ["tron", HEX],
    ["bitcoin", HEX],
    ["ETH", EVM],
    ["my-l2", "any-opaque_id:42"],
  ])("accepts a %s transaction hash", (network, hash) => {
    expect(txHashProblem(network, hash)).toBeUndefined()
  })

  it.each([
    ["ethereum", HEX, "0x followed by 64 hex characters"],
    ["ethereum", EVM.slice(0, 40), "0x followed by 64 hex characters"],
    ["polygon", "0x" + "zz".repeat(32), "Polygon"],
    ["solana", "0" + SOLANA.slice(1), "base58"],
    ["solana", EVM, "base58"],
    ["near", SOLANA, "base58"],
    ["tron", "T" + "9".repeat(33), "64 hex"],
    ["my-l2", "short", "8 to 200"],
    ["my-l2", "has a space in it", "8 to 200"],
  ])("refuses a malformed %s hash (%s)", (network, hash, expected) => {
    expect(txHashProblem(network, hash)).toContain(expected)
  })
})

describe("normalizeTxHash", () => {
  it("lower-cases hex hashes and keeps base58 ones as typed", () => {
    expect(normalizeTxHash("ethereum", ` ${EVM.toUpperCase().replace("0X", "0x")} `)).toBe(EVM)
    expect(normalizeTxHash("solana", SOLANA)).toBe(SOLANA)
  })
})

describe("explorerTxUrl", () => {
  it("links a known network's transaction to its explorer, whatever the alias or case", () => {
    expect(explorerTxUrl("ethereum", EVM)).toBe(`https://etherscan.io/tx/${EVM}`)
    expect(explorerTxUrl("Base", EVM)).toBe(`https://basescan.org/tx/${EVM}`)
    expect(explorerTxUrl("sol", SOLANA)).toBe(`https://solscan.io/tx/${SOLANA}`)
    expect(explorerTxUrl("near", NEAR)).toBe(`https://nearblocks.io/txns/${NEAR}`)
    expect(explorerTxUrl("tron", HEX)).toBe(`https://tronscan.org/#/transaction/${HEX}`)
    expect(knownNetwork("BTC")?.id).toBe("bitcoin")
  })

  it("gives no link for another network, a malformed hash or a missing one", () => {
    expect(explorerTxUrl("my-l2", EVM)).toBeUndefined()
    expect(explorerTxUrl("ethereum", "javascript:alert(1)")).toBeUndefined()
    expect(explorerTxUrl("ethereum", null)).toBeUndefined()
    expect(explorerTxUrl(undefined, EVM)).toBeUndefined()
  })
})
