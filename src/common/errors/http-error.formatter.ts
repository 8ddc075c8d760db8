import { HttpException } from '@nestjs/common';
import { ChatError } from './chat-error.js';
import { ErrorCode } from './error-code.js';
import { isUnavailableError, UNAVAILABLE_MESSAGE } from './unavailable.js';

/** The JSON of every refused REST request (POST /media, GET /media/…): `{"error": {"code", "message"}}`. */
export interface HttpErrorBody {
  error: { code: ErrorCode; message: string };
}

export interface HttpErrorAnswer {
  status: number;
  body: HttpErrorBody;
  /** False for bugs: the caller logs those with their stack (nothing of them is sent). */
  expected: boolean;
}

const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400, CONFLICT: 409,
  MUTED: 403, BANNED: 403, ROOM_FROZEN: 403, RATE_LIMITED: 429, UNAVAILABLE: 503, INTERNAL: 500,
};

const CODES: Record<number, ErrorCode> = { 400: 'BAD_USER_INPUT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'BAD_USER_INPUT', 429: 'RATE_LIMITED' };

/**
 * The one REST error mapper: a ChatError → its code, with the HTTP status of the code (or the
 * status it names in `details.httpStatus`: 413 for an upload over the limit, 415 for a kind the
 * app does not take, 416 for a range past the end); the database, Redis or the media store out of
 * reach → 503 UNAVAILABLE; anything else → 500 INTERNAL without details.
 */
export function toHttpError(error: unknown): HttpErrorAnswer {
  if (error instanceof ChatError) {
    const given = error.details?.httpStatus;
    const status = typeof given === 'number' ? given : STATUS[error.code];
    return { status, body: { error: { code: error.code, message: error.message } }, expected: error.code !== 'INTERNAL' };
  }
  if (error instanceof HttpException && CODES[error.getStatus()]) {
    return { status: error.getStatus(), body: { error: { code: CODES[error.getStatus()], message: error.message } }, expected: true };
  }
  if (isUnavailableError(error)) return { status: 503, body: { error: { code: 'UNAVAILABLE', message: UNAVAILABLE_MESSAGE } }, expected: true };
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error' } }, expected: false };
}
