// The framework-free Meum core: what a Meum SDK for Node would be.
export * from "./schemas"
export * from "./status-table"
export * from "./errors"
export * from "./retry-policy"
export * from "./client"
export * from "./webhook-signature"
export * from "./money"
export * from "./external-order-id"
