import type { Client } from "pg"
import type { MeumSandbox, MeumSandboxOptions } from "../../src/sandbox"

export { freePort } from "./ports"

export interface Postgres {
  port: number
  pid?: number
  url(database: string): string
}

export interface MedusaProcess {
  name: string
  port: number
  logFile: string
  /** The first start's readiness (/health answers). */
  ready: Promise<void>
  /** The current process (a restarted process has a new one); the leader of its process group. */
  readonly pid: number
  /** How many times it was started again after dying on its own (0 without `restart`). */
  readonly restarts?: number
  /** Resolves once the next restart answers /health (only with `restart`). */
  whenRestarted?(): Promise<void>
  /** SIGTERM to the process group; final (no restart). */
  stop(): Promise<void>
  /** SIGKILL to the process group; final (no restart). */
  kill(): Promise<void>
}

export interface SupervisedMedusaProcess extends MedusaProcess {
  readonly restarts: number
  /** The current process's exit (a kill from outside resolves it; the restart follows). */
  readonly exited: Promise<{ code: number | null; signal: string | null }>
  whenRestarted(): Promise<void>
}

export interface ProcessSpec {
  command?: "start" | "develop"
  env?: NodeJS.ProcessEnv
  readyTimeoutMs?: number
}

export interface Proxy {
  port: number
  isUp(target: number): boolean
  whenUp(target: number): Promise<void>
  stop(): Promise<void>
}

export interface Cluster {
  servers: SupervisedMedusaProcess[]
  workers: SupervisedMedusaProcess[]
  proxy: Proxy
  /** http://127.0.0.1:<proxy port> */
  url: string
  ready: Promise<void>
}

export interface ProcessInfo {
  name: string
  role: string
  pid: number
  port: number
}

export interface StoreHarness {
  defer(cleanup: () => unknown): void
  postgres(options?: { embedded?: boolean; port?: number; dataDir?: string; log?: (line: string) => void }): Promise<Postgres>
  database(pg: Postgres, name: string, options?: { reuse?: boolean }): Promise<{ url: string; created: boolean }>
  client(url: string): Promise<Client>
  redis(): Promise<{ url: string; port?: number; pid?: number; stop(): Promise<void> }>
  sandbox(options: MeumSandboxOptions): Promise<MeumSandbox>
  medusa(args: string[], env: NodeJS.ProcessEnv): Promise<string>
  migrateAndSeed<T>(options: { env: NodeJS.ProcessEnv; script: string; file: string; fileVar: string; seedEnv?: NodeJS.ProcessEnv }): Promise<T>
  startMedusa(options: {
    name: string
    role?: string
    command?: "start" | "develop"
    port: number
    env: NodeJS.ProcessEnv
    logFile: string
    readyTimeoutMs?: number
    restart?: false
  }): MedusaProcess
  startMedusa(options: {
    name: string
    role?: string
    command?: "start" | "develop"
    port: number
    env: NodeJS.ProcessEnv
    logFile: string
    readyTimeoutMs?: number
    restart: true
    onRestart?: (proc: SupervisedMedusaProcess) => void
  }): SupervisedMedusaProcess
  proxy(options: { port?: number; targets: number[]; pin?: (url: string) => number | undefined; healthIntervalMs?: number }): Promise<Proxy>
  cluster(options: {
    env: NodeJS.ProcessEnv
    port?: number
    servers?: ProcessSpec[]
    workers?: ProcessSpec[]
    logDir: string
    pin?: (url: string) => number | undefined
    envFor?: (name: string, role: "server" | "worker") => Promise<NodeJS.ProcessEnv>
    onRestart?: (proc: SupervisedMedusaProcess) => void
  }): Promise<Cluster>
  processes(): ProcessInfo[]
  stop(): Promise<void>
}

export function createStoreHarness(options?: { log?: (line: string) => void }): StoreHarness
export function medusaEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv
/** Runs a command to its end; resolves with the tail of its output, rejects with it. */
export function runToEnd(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<string>
