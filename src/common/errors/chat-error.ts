import { ErrorCode } from './error-code.js';

/** The one error type services throw; each transport's formatter maps it to its wire form. */
export class ChatError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'ChatError';
  }
}

export const notFound = (what: string) => new ChatError('NOT_FOUND', `${what} not found`);
export const badInput = (message: string, details?: Record<string, unknown>) => new ChatError('BAD_USER_INPUT', message, details);
export const forbidden = (message = 'Not allowed') => new ChatError('FORBIDDEN', message);
export const unauthenticated = (message = 'Authentication required', details?: Record<string, unknown>) =>
  new ChatError('UNAUTHENTICATED', message, details);
export const conflict = (message: string) => new ChatError('CONFLICT', message);
