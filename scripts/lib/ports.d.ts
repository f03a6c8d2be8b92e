export function freePort(): Promise<number>
export function portIsFree(port: number): Promise<boolean>
export function assertPortFree(port: number, message?: string): Promise<void>
