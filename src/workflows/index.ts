export * from "./reconcile-meum-session"
