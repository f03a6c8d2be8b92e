import { MeumApiError } from "../../errors"

/** Awaits a promise that must reject with a MeumApiError, and returns that error. */
export async function meumErrorOf(promise: Promise<unknown>): Promise<MeumApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof MeumApiError) return error
    throw error
  }
  throw new Error("expected a MeumApiError")
}
