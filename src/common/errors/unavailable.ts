/** What a client reads when a dependency is down: nothing of the cause, only that a retry may work. */
export const UNAVAILABLE_MESSAGE = 'Service unavailable: the database or Redis cannot be reached right now; retry later';

/** Socket and resolver failures: the peer refused, dropped or never answered the connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED',
]);

/**
 * mysql2's codes for a connection that is gone or cannot be had: lost mid-statement, timed out,
 * a server going away or full (MariaDB's client error names included).
 */
const MYSQL_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', 'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'CR_SERVER_GONE_ERROR', 'CR_SERVER_LOST', 'CR_CONNECTION_ERROR', 'CR_CONN_HOST_ERROR',
]);

/** ioredis's errors for commands it gave up on while the connection was down (by name: it exports no stable classes for all). */
const REDIS_ERROR_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);

/** Messages of errors that carry no code: ioredis's closed connection and refused offline queue, mysql2's closed connection. */
const MESSAGES = [
  /^Connection is closed\.?$/,
  /^Stream isn't writeable and enableOfflineQueue options is false/,
  /^Reached the max retries per request limit/,
  /^Can't add new command when connection is in closed state/,
  /^Connection lost: The server closed the connection/,
];

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  fatal?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  driverError?: unknown;
  cause?: unknown;
  originalError?: unknown;
  thrownValue?: unknown;
  errors?: unknown;
}

/**
 * Whether an error means that the database or Redis cannot be reached (retry later), as
 * opposed to a bug or a refused statement. Looks through the wrappers these errors come in:
 * TypeORM's `driverError`, `cause`, GraphQL's `originalError` and its `thrownValue` (graphql-js
 * wraps a thrown value that is not an Error of its realm), AggregateError's `errors` (Node's
 * connect to several addresses). Used by each transport's one error formatter, nowhere else.
 */
export function isUnavailableError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as ErrorShape;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || MYSQL_CODES.has(e.code))) return true;
  if (typeof e.name === 'string' && REDIS_ERROR_NAMES.has(e.name)) return true;
  // mysql2 marks an error fatal when the connection it happened on is dead (not for a refused statement).
  if (e.fatal === true && (typeof e.errno === 'number' || typeof e.code === 'string')) return true;
  if (typeof e.message === 'string' && MESSAGES.some((pattern) => pattern.test(e.message as string))) return true;
  const inner = [e.driverError, e.cause, e.originalError, e.thrownValue, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((next) => next !== error && isUnavailableError(next, depth + 1));
}
