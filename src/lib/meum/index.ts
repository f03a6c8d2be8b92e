// The framework-free Meum core: what a Meum SDK for Node would be.
export * from "./schemas"
export * from "./invoice"
export * from "./errors"
export * from "./retry-policy"
export * from "./client"
export * from "./webhook-signature"
