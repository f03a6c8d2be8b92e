export * from "./meum-checkout"
