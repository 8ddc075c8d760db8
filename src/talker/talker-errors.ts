import { ChatError } from '../common/errors/chat-error.js';
import { isUnavailableError, UNAVAILABLE_MESSAGE } from '../common/errors/unavailable.js';
import { TalkerError } from './talker-route.js';

export const badRequest = (message: string) => new TalkerError('BAD_REQUEST', 400, message);
export const notLoggedIn = (message = 'Log in first (login), or send the user_id and clientAddress login answered') =>
  new TalkerError('NOT_LOGGED_IN', 401, message);

/** The platform's codes in talker terms; `details.reason` tells some apart (README "Talker API", error codes). */
const BY_CODE: Record<string, [string, number]> = {
  BAD_USER_INPUT: ['BAD_REQUEST', 400],
  UNAUTHENTICATED: ['NOT_LOGGED_IN', 401],
  FORBIDDEN: ['FORBIDDEN', 403],
  CONFLICT: ['USED', 409],
  NOT_FOUND: ['NOT_FOUND', 404],
  MUTED: ['MUTED', 403],
  BANNED: ['BANNED', 403],
  ROOM_FROZEN: ['FROZEN', 403],
  RATE_LIMITED: ['RATE_LIMITED', 429],
  UNAVAILABLE: ['UNAVAILABLE', 503],
};
const BY_REASON: Record<string, [string, number]> = {
  wrong_credentials: ['WRONG_CREDENTIALS', 401],
  not_confirmed: ['NOT_CONFIRMED', 403],
  login_attempts: ['TOO_MANY_ATTEMPTS', 429],
  blocked: ['BLOCKED', 403],
};

/**
 * The one mapping of failures to what a talker client sees. A ChatError may name its talker code
 * itself (`details.talkerCode`, with `details.status`). null: not an expected failure (a bug: INTERNAL, logged by the caller).
 */
export function toTalkerError(error: unknown): TalkerError | null {
  if (error instanceof TalkerError) return error;
  if (error instanceof ChatError) {
    const details = error.details ?? {};
    if (typeof details.talkerCode === 'string') return withRetry(new TalkerError(details.talkerCode, Number(details.status ?? 400), error.message), details);
    const [code, status] = BY_REASON[String(details.reason)] ?? BY_CODE[error.code] ?? ['INTERNAL', 500];
    return withRetry(new TalkerError(code, status, error.message), details);
  }
  if (isUnavailableError(error)) return new TalkerError('UNAVAILABLE', 503, UNAVAILABLE_MESSAGE);
  return null;
}

/** Seconds to wait, for 429 answers (HTTP Retry-After). */
export const retryAfterOf = (error: TalkerError): number | undefined => (error as TalkerError & { retryAfterSeconds?: number }).retryAfterSeconds;

function withRetry(error: TalkerError, details: Record<string, unknown>): TalkerError {
  if (typeof details.retryAfterSeconds === 'number') Object.assign(error, { retryAfterSeconds: details.retryAfterSeconds });
  return error;
}

export const INTERNAL = () => new TalkerError('INTERNAL', 500, 'Something went wrong on our side');
