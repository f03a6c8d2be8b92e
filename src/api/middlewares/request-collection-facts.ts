/**
 * The payment collection facts the guard read for this request, for the middlewares after it on
 * the same route: one query.graph per session request instead of one per middleware. Held only as
 * long as the request object lives (nothing here outlives the request or is shared between them).
 */
import type { CollectionFacts } from "./meum-session-facts"

const factsByRequest = new WeakMap<object, CollectionFacts>()

export function keepCollectionFacts(req: object, facts: CollectionFacts): void {
  factsByRequest.set(req, facts)
}

/** The facts the guard read for this request's collection, if it read them. */
export function collectionFactsOf(req: object, collectionId: string): CollectionFacts | undefined {
  const facts = factsByRequest.get(req)
  return facts?.id === collectionId ? facts : undefined
}
