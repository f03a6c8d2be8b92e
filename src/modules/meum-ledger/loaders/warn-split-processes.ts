/**
 * Runs when the ledger module loads, in every process of the store. A store split into server and
 * worker processes (workerMode / MEDUSA_WORKER_MODE) but still on Medusa's in-process locking or
 * event bus loses the guarantees the plugin rests on: two processes reconcile the same cart at
 * once, and events emitted on one never reach the other. Say so loudly, with the fix.
 */
import type { LoaderOptions } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"

type ModuleEntry = { resolve?: string; options?: { providers?: Array<{ resolve?: string }> } } | boolean | undefined

const resolvesTo = (entry: ModuleEntry, pattern: RegExp): boolean => {
  if (!entry || typeof entry !== "object") return false
  if (entry.resolve && pattern.test(entry.resolve)) return true
  return (entry.options?.providers ?? []).some((provider) => provider.resolve !== undefined && pattern.test(provider.resolve))
}

export function splitProcessProblems(config: { projectConfig?: { workerMode?: string }; modules?: Record<string, ModuleEntry> }): string[] {
  const mode = config.projectConfig?.workerMode ?? "shared"
  if (mode === "shared") return []
  const modules = config.modules ?? {}
  const problems: string[] = []
  if (!resolvesTo(modules[Modules.LOCKING], /locking-(redis|postgres)/)) problems.push("locking is in-process (configure @medusajs/medusa/locking with the locking-redis or locking-postgres provider)")
  if (!resolvesTo(modules[Modules.EVENT_BUS], /event-bus-redis/)) problems.push("the event bus is in-process (configure @medusajs/medusa/event-bus-redis)")
  if (!resolvesTo(modules[Modules.WORKFLOW_ENGINE], /workflow-engine-redis/)) problems.push("the workflow engine is in-process (configure @medusajs/medusa/workflow-engine-redis)")
  return problems
}

export default async function warnSplitProcesses({ container }: LoaderOptions): Promise<void> {
  const config = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE, { allowUnregistered: true }) as Parameters<typeof splitProcessProblems>[0] | undefined
  if (!config) return
  const problems = splitProcessProblems(config)
  if (!problems.length) return
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  logger.warn(
    `medusa-payment-meum: this store runs as a ${config.projectConfig?.workerMode} process, but ${problems.join("; ")}. ` +
      "Server and worker processes must share them (see README 'Running in production'), or a paid webhook and the shopper's return can place two orders."
  )
}
