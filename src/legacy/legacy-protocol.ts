import { ChatError } from '../common/errors/chat-error.js';
import { isUnavailableError } from '../common/errors/unavailable.js';
import type { Attachment, AttachmentFile } from '../media/attachment.model.js';
import type { Message } from '../messages/message.model.js';
import type { Mute } from '../rooms/mute.model.js';
import type { User } from '../users/user.model.js';

/**
 * The Moneypot chatbox protocol on the wire (../shared/seeds/moneypot-chat-server-protocol.txt):
 * event names, payload shapes, and the mappers from our views to them. Roles are lower case.
 */
export const LEGACY_EVENTS = {
  auth: 'auth',
  newMessage: 'new_message',
  userJoined: 'user_joined',
  userLeft: 'user_left',
  userMuted: 'user_muted',
  userUnmuted: 'user_unmuted',
  clientError: 'client_error',
  systemMessage: 'system_message',
} as const;

/** The events a client may send; anything else is a client_error. */
export const CLIENT_EVENTS: ReadonlySet<string> = new Set([LEGACY_EVENTS.auth, LEGACY_EVENTS.newMessage]);

/** The longest chat text, after trimming (the protocol's 1–350). */
export const LEGACY_MAX_TEXT = 350;
/** How much lobby history the auth answer carries. */
export const LEGACY_HISTORY_SIZE = 100;

/**
 * The ack `err` strings. USER_REQUIRED and INTERNAL_ERROR are the protocol's; the rest are ours.
 * UNAVAILABLE: the server cannot reach its database or Redis; the same emit may work if retried later.
 */
export type LegacyAckError =
  | 'USER_REQUIRED' | 'INTERNAL_ERROR' | 'INVALID_APP_ID' | 'APP_NOT_FOUND' | 'ORIGIN_NOT_ALLOWED' | 'ALREADY_AUTHENTICATED'
  | 'INVALID_TEXT' | 'MUTED' | 'RATE_LIMITED' | 'FORBIDDEN' | 'UNKNOWN_EVENT' | 'UNAVAILABLE';

/** The system_message a user reads when the server cannot reach its database or Redis. */
export const LEGACY_UNAVAILABLE_TEXT = 'Chat is unavailable right now; please retry in a moment';

export type LegacyRole = 'member' | 'mod' | 'admin' | 'owner';

export interface LegacyUser {
  id: number;
  uname: string;
  role: LegacyRole;
}

export interface LegacyMessage {
  id: number;
  user: { uname: string; role: LegacyRole };
  text: string;
}

export interface LegacyMuteEntry {
  uname: string;
  mins: number;
  expires_at: string;
}

export interface LegacyAuthData {
  user?: LegacyUser;
  room: {
    users: Record<string, LegacyUser>;
    history: LegacyMessage[];
    muteList: Record<string, LegacyMuteEntry>;
  };
}

export const toLegacyRole = (role: string) => role.toLowerCase() as LegacyRole;

export const toLegacyUser = (user: Pick<User, 'id' | 'uname' | 'role'>): LegacyUser =>
  ({ id: Number(user.id), uname: user.uname, role: toLegacyRole(user.role) });

/**
 * A stored message with an author (history and new_message); ids are integers on this wire. The
 * protocol has only text: each file of a FILE message follows the text as `[file] <name> <url>`,
 * its URL signed by `sign` (for as long as a chat line stays on an open page).
 */
export function toLegacyMessage(message: Message, sign?: (file: AttachmentFile) => Attachment): LegacyMessage | null {
  if (!message.author || message.text === null || message.deletedAt) return null;
  const files = sign ? message.attachments.map((file) => fileLine(sign(file))) : [];
  const text = [message.text, ...files].filter((part) => part !== '').join(' ');
  if (text === '') return null;
  return { id: Number(message.id), user: { uname: message.author.uname, role: toLegacyRole(message.author.role) }, text };
}

/**
 * One file in a legacy chat line: `[file] <name> <url>`, the name one word (its white space as `_`),
 * so a name can not pose as a second URL in the line (names never hold `/` or control characters).
 */
export const fileLine = (file: Attachment) => `[file] ${file.name.replace(/\s+/g, '_')} ${file.url}`;

export const toLegacyMute = (mute: Mute): LegacyMuteEntry =>
  ({ uname: mute.user.uname, mins: mute.minutes, expires_at: mute.endsAt.toISOString() });

/** Whole minutes from now to `until`, at least 1 (user_muted's mins for a mute announced just now). */
export const minutesUntil = (until: Date, now = Date.now()) =>
  Math.max(1, Math.round((until.getTime() - now) / 60_000));

/**
 * A service error in protocol terms: the ack's `err`, and the system_message the user reads
 * (expected refusals only; the database or Redis out of reach is UNAVAILABLE, to retry; anything
 * unexpected is INTERNAL_ERROR without details).
 */
export function toLegacyError(error: unknown): { err: LegacyAckError; systemMessage: string | null; expected: boolean } {
  if (isUnavailableError(error)) return { err: 'UNAVAILABLE', systemMessage: LEGACY_UNAVAILABLE_TEXT, expected: true };
  if (!(error instanceof ChatError)) return { err: 'INTERNAL_ERROR', systemMessage: null, expected: false };
  switch (error.code) {
    case 'UNAUTHENTICATED': return { err: 'USER_REQUIRED', systemMessage: null, expected: true };
    case 'MUTED': return { err: 'MUTED', systemMessage: error.message, expected: true };
    case 'RATE_LIMITED': return { err: 'RATE_LIMITED', systemMessage: error.message, expected: true };
    case 'BAD_USER_INPUT': return { err: 'INVALID_TEXT', systemMessage: error.message, expected: true };
    case 'UNAVAILABLE': return { err: 'UNAVAILABLE', systemMessage: LEGACY_UNAVAILABLE_TEXT, expected: true };
    case 'INTERNAL': return { err: 'INTERNAL_ERROR', systemMessage: null, expected: false };
    default: return { err: 'FORBIDDEN', systemMessage: error.message, expected: true };
  }
}

/** Socket.IO room names, per app: a socket room for each chat room, one for each user's sockets. */
export const roomChannel = (appId: string, roomId: string) => `room:${appId}:${roomId}`;
export const userChannel = (appId: string, userId: string) => `user:${appId}:${userId}`;
/** The sockets of every user who blocked `userId`: broadcasts of that user's messages skip it. */
export const blockersChannel = (appId: string, userId: string) => `blockers:${appId}:${userId}`;
