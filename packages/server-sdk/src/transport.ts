import type { DocumentTypeDecoration } from './document-type.js';
import { ChatApiError, codeOfStatus, GraphqlErrorEntry } from './errors.js';

export interface RetryOptions {
  /** Tries in all, the first included (default 3; 1 turns retries off). */
  attempts?: number;
  /** Wait before the second try; doubled for each further one, with jitter (default 200 ms). */
  baseDelayMs?: number;
  /** The longest wait between tries (default 5,000 ms). */
  maxDelayMs?: number;
}

export interface TransportOptions {
  endpoint: string;
  headers: Record<string, string>;
  retry: Required<RetryOptions>;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** What the generated documents are at run time: the operation's text, typed by its result and variables. */
export type Operation<R, V> = DocumentTypeDecoration<R, V> & { toString(): string };

/** Statuses that mean "the server is not there right now": a retry may succeed. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/** Sends operations over HTTP POST with global fetch; retries what may be retried. */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  /**
   * Runs the operation. `idempotent` (queries, and mutations safe to repeat) lets a network error,
   * a timeout, 502/503/504 or an UNAVAILABLE answer be retried with backoff; otherwise the first
   * failure is thrown, since the server may have done the work.
   */
  async run<R, V>(operation: Operation<R, V>, variables: V, idempotent: boolean): Promise<R> {
    const tries = idempotent ? Math.max(1, this.options.retry.attempts) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<R>(operation.toString(), variables, attempt);
      } catch (error) {
        if (!(error instanceof ChatApiError) || error.code !== 'UNAVAILABLE' || attempt >= tries) throw error;
        await sleep(this.delay(attempt));
      }
    }
  }

  private async once<R>(query: string, variables: unknown, attempt: number): Promise<R> {
    let response: Response;
    let body: string;
    try {
      response = await this.options.fetch(this.options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...this.options.headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      body = await response.text();
    } catch (cause) {
      throw new ChatApiError({ code: 'UNAVAILABLE', message: `Chat server not reachable: ${describe(cause)}`, status: 0, attempts: attempt, cause });
    }
    const parsed = parseJson(body);
    const errors = Array.isArray(parsed?.errors) ? (parsed.errors as GraphqlErrorEntry[]) : [];
    if (errors.length > 0) {
      const [first] = errors;
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : codeOfStatus(response.status);
      throw new ChatApiError({ code, message: first.message, status: response.status, path: first.path, errors, attempts: attempt });
    }
    if (!response.ok || !parsed || typeof parsed.data !== 'object' || parsed.data === null) {
      const code = UNAVAILABLE_STATUSES.has(response.status) ? 'UNAVAILABLE' : codeOfStatus(response.ok ? 500 : response.status);
      throw new ChatApiError({ code, message: `Chat server answered HTTP ${response.status} without a GraphQL result`, status: response.status, attempts: attempt });
    }
    return parsed.data as R;
  }

  private delay(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.options.retry;
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return exponential / 2 + Math.random() * (exponential / 2);
  }
}

function parseJson(text: string): { data?: unknown; errors?: unknown } | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as { data?: unknown; errors?: unknown }) : null;
  } catch {
    return null;
  }
}

/** Says why no answer came: the system error's code (ECONNREFUSED, ECONNRESET…) or "timed out". */
function describe(error: unknown): string {
  // Read by shape, not instanceof: fetch's errors may come from another realm (a vm context, a test runner).
  const failure = (typeof error === 'object' && error !== null ? error : {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return 'timed out';
  return failure.cause?.code ?? failure.cause?.message ?? failure.message ?? String(error);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
