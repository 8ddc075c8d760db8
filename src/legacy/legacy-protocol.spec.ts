import { ChatError } from '../common/errors/chat-error.js';
import { Message, MessageKind } from '../messages/message.model.js';
import { UserRole } from '../users/user.model.js';
import { LEGACY_UNAVAILABLE_TEXT, minutesUntil, toLegacyError, toLegacyMessage, toLegacyUser } from './legacy-protocol.js';

const author = { id: '12', externalId: null, uname: 'Donald', displayName: null, role: UserRole.ADMIN, isBot: false, meta: null, createdAt: new Date(0) };
const message = (over: Partial<Message> = {}): Message => ({
  id: '9007199254740', roomId: '1', author, kind: MessageKind.TEXT, text: 'hi', meta: null, clientMsgId: null,
  createdAt: new Date(0), editedAt: null, deletedAt: null, attachments: [], ...over,
});

describe('legacy protocol mappers', () => {
  it('maps a message to {id: Integer, user: {uname, role in lower case}, text}', () => {
    expect(toLegacyMessage(message())).toEqual({ id: 9007199254740, user: { uname: 'Donald', role: 'admin' }, text: 'hi' });
  });

  it('writes each attachment as one "[file] name url" word group, white space in a name folded to _', () => {
    const file = { id: '4', contentType: 'text/plain', name: 'notes x https:evil.example', size: 3, width: null, height: null, hasThumbnail: false };
    const signed = { ...file, url: '/media/4/notes?sig=s', thumbnailUrl: null };
    expect(toLegacyMessage(message({ text: 'see', attachments: [file] }), () => signed)?.text)
      .toBe('see [file] notes_x_https:evil.example /media/4/notes?sig=s');
  });

  it('has no legacy form for system messages and deleted ones', () => {
    expect(toLegacyMessage(message({ author: null, kind: MessageKind.SYSTEM }))).toBeNull();
    expect(toLegacyMessage(message({ text: null, deletedAt: new Date() }))).toBeNull();
  });

  it('maps users with integer ids and lower-case roles', () => {
    expect(toLegacyUser({ id: '42', uname: 'foo', role: UserRole.OWNER })).toEqual({ id: 42, uname: 'foo', role: 'owner' });
  });

  it('counts whole minutes to an end, at least one', () => {
    expect(minutesUntil(new Date(10 * 60_000 + 400), 0)).toBe(10);
    expect(minutesUntil(new Date('1970-01-01T00:00:05.000Z'), 0)).toBe(1);
  });

  it.each([
    [new ChatError('MUTED', 'You are muted until x'), { err: 'MUTED', systemMessage: 'You are muted until x', expected: true }],
    [new ChatError('RATE_LIMITED', 'Slow down'), { err: 'RATE_LIMITED', systemMessage: 'Slow down', expected: true }],
    [new ChatError('FORBIDDEN', 'No'), { err: 'FORBIDDEN', systemMessage: 'No', expected: true }],
    [new ChatError('UNAUTHENTICATED', 'Who?'), { err: 'USER_REQUIRED', systemMessage: null, expected: true }],
    [new ChatError('INTERNAL', 'boom'), { err: 'INTERNAL_ERROR', systemMessage: null, expected: false }],
    [new Error('driver exploded'), { err: 'INTERNAL_ERROR', systemMessage: null, expected: false }],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }), { err: 'UNAVAILABLE', systemMessage: LEGACY_UNAVAILABLE_TEXT, expected: true }],
    [new ChatError('UNAVAILABLE', 'down'), { err: 'UNAVAILABLE', systemMessage: LEGACY_UNAVAILABLE_TEXT, expected: true }],
  ])('maps %s to the protocol', (error, expected) => {
    expect(toLegacyError(error)).toEqual(expected);
  });
});
