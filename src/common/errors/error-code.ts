/** Exactly SPEC's list of `extensions.code` values. */
export const ERROR_CODES = [
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT',
  'MUTED', 'BANNED', 'ROOM_FROZEN', 'RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
