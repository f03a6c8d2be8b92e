import type { ChildProcess } from "node:child_process"
export function endProcessGroup(child: ChildProcess, exited: Promise<unknown>, signal: NodeJS.Signals): Promise<void>
