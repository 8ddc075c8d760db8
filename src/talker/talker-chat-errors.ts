import { ChatError } from '../common/errors/chat-error.js';
import type { ErrorCode } from '../common/errors/error-code.js';
import { TalkerError } from './talker-route.js';

/** The platform's refusals as talker codes (README "Talker API: conversations"). */
const TALKER_CODES: Record<ErrorCode, [code: string, status: number]> = {
  BAD_USER_INPUT: ['BAD_REQUEST', 400],
  CONFLICT: ['BAD_REQUEST', 400],
  NOT_FOUND: ['NOT_FOUND', 404],
  UNAUTHENTICATED: ['NOT_LOGGED_IN', 401],
  FORBIDDEN: ['FORBIDDEN', 403],
  MUTED: ['MUTED', 403],
  BANNED: ['BANNED', 403],
  ROOM_FROZEN: ['FROZEN', 403],
  RATE_LIMITED: ['RATE_LIMITED', 429],
  UNAVAILABLE: ['UNAVAILABLE', 503],
  INTERNAL: ['INTERNAL', 500],
};

/**
 * Refusals of a valid message by the app's own rules: its pre-send hook (a reject, or no usable
 * answer under onTimeout REJECT), its word filter in REJECT mode, and its duplicateWindowSeconds
 * (the same text again too soon). The platform throws them as BAD_USER_INPUT with
 * `details.reason`; a talker client gets REJECTED, the reason as message.
 */
const REJECTED_REASONS = new Set(['pre_send_hook', 'pre_send_hook_unavailable', 'word_filter', 'duplicate']);

/** A ChatError the services threw, as the talker client sees it; anything else unchanged (the gateway logs it as INTERNAL). */
export function toTalkerError(error: unknown): unknown {
  if (!(error instanceof ChatError)) return error;
  const status = error.details?.httpStatus;
  if (status === 413) return new TalkerError('TOO_LARGE', 413, error.message);
  if (REJECTED_REASONS.has(String(error.details?.reason))) return new TalkerError('REJECTED', 403, error.message);
  const [code, httpStatus] = TALKER_CODES[error.code] ?? ['INTERNAL', 500];
  return new TalkerError(code, httpStatus, error.message);
}

/** Runs a service call with its ChatErrors turned into TalkerErrors. */
export async function talkerErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toTalkerError(error);
  }
}
