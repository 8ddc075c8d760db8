import { ChatApiError } from '../errors.js';
import type { Operation } from '../transport.js';

/** How a group sends one operation: `idempotent` lets the transport retry it on network errors. */
export type Call = <R, V>(operation: Operation<R, V>, variables: V, idempotent: boolean) => Promise<R>;

/**
 * Retried on network errors: reads, and writes that set a state, whose repeat changes nothing and
 * answers as the first did (revokeAll's count aside: making sure the tokens are revoked matters more).
 */
export const IDEMPOTENT = true;
/**
 * Never retried: the server may have done the work before the answer was lost, and a repeat would do
 * it twice (create, issue, a SYSTEM message) or answer differently (delete: "not found"; unmute:
 * "not muted"), hiding that the first try worked.
 */
export const ONCE = false;

/** The getters' answer for what does not exist (the server says NOT_FOUND): null, as the schema types it. */
export async function orNull<T>(result: Promise<T>): Promise<T | null> {
  try {
    return await result;
  } catch (error) {
    if (error instanceof ChatApiError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** The variables of an operation, for filters passed through as they are. */
export type Vars<T> = T extends Operation<unknown, infer V> ? V : never;
