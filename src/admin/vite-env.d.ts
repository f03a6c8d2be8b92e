/// <reference types="vite/client" />

// Defined by Medusa's admin bundler for the dashboard and its plugins.
declare const __BACKEND_URL__: string | undefined
declare const __AUTH_TYPE__: string | undefined
declare const __JWT_TOKEN_STORAGE_KEY__: string | undefined
