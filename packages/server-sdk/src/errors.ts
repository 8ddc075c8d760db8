/** One error of a GraphQL answer, as the server sends it. */
export interface GraphqlErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * What every failed call throws. `code` is the server's `extensions.code` (UNAUTHENTICATED,
 * FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, CONFLICT, MUTED, BANNED, ROOM_FROZEN, RATE_LIMITED,
 * UNAVAILABLE, INTERNAL, or Apollo's GRAPHQL_VALIDATION_FAILED…). A server that could not be
 * reached (refused, reset, timed out, 502/503/504) is `UNAVAILABLE` too, with the network error as
 * `cause` and `status` 0 when no answer came.
 */
export class ChatApiError extends Error {
  override readonly name = 'ChatApiError';
  /** The contract's error code. */
  readonly code: string;
  /** The GraphQL path of the failing field, when the server named one. */
  readonly path: ReadonlyArray<string | number> | undefined;
  /** The HTTP status of the answer (200 for most GraphQL errors); 0 when no answer came. */
  readonly status: number;
  /** Every error of the answer (the first one is this error's code and message). */
  readonly errors: readonly GraphqlErrorEntry[];
  /** How many attempts were made (more than 1 after retries). */
  readonly attempts: number;

  constructor(init: { code: string; message: string; status: number; path?: ReadonlyArray<string | number>; errors?: readonly GraphqlErrorEntry[]; attempts?: number; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.path = init.path;
    this.errors = init.errors ?? [];
    this.attempts = init.attempts ?? 1;
  }
}

/** A code for an answer without GraphQL errors in it (a proxy's page, an empty body). */
export function codeOfStatus(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413 || status === 400) return 'BAD_USER_INPUT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
  return 'INTERNAL';
}
