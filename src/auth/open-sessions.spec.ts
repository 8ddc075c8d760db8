import { jest } from '@jest/globals';
import type { Logger } from 'pino';
import { strictFake } from '../../test/support/strict-fake.js';
import { unauthenticated } from '../common/errors/chat-error.js';
import { AppScope } from '../database/app-scope.js';
import { LocalEventBus } from '../realtime/local-event-bus.js';
import { OpenSessions, SessionEnd, SessionOptions } from './open-sessions.js';
import type { AppPrincipal, ScopedPrincipal, UserPrincipal } from '../principal/principal.js';

const scope = { appId: '7' } as AppScope;
const HOUR = 3_600_000;
const user = (userId: string, changes: Partial<UserPrincipal> = {}): UserPrincipal =>
  ({ kind: 'user', scope, userId, role: 'MEMBER', tokenId: `j${userId}`, expiresAt: new Date(Date.now() + HOUR), ...changes });

/** Lets queued microtasks and promise chains run. */
const settle = () => new Promise((r) => setImmediate(r));

function setup() {
  const log = strictFake<Logger>('Logger', { warn: () => undefined, error: () => undefined });
  const bus = new LocalEventBus(log);
  const sessions = new OpenSessions(bus, log);
  sessions.onModuleInit();
  /** A socket: verify answers what `answer` says now; `ends` records what close() was told. */
  const socket = <P extends ScopedPrincipal>(principal: P, ticket = sessions.begin(), first?: () => Promise<P>) => {
    const ends: SessionEnd[] = [];
    let answer: () => Promise<P> = first ?? (async () => principal);
    const verify = jest.fn(() => answer());
    const options: SessionOptions<P> = { principal, verify, close: (end) => ends.push(end) };
    const session = sessions.open(ticket, options);
    return { session, ends, verify, answer: (next: () => Promise<P>) => { answer = next; } };
  };
  const userChanged = (...userIds: string[]) => bus.publish({ type: 'user.changed', appId: scope.appId, roomId: null, userIds });
  return { sessions, bus, log, socket, userChanged };
}

describe('OpenSessions', () => {
  it('closes the sockets of a user whose token was revoked with 4403, and re-checks no one else', async () => {
    const { sessions, socket, userChanged } = setup();
    const alice = socket(user('1'));
    const aliceAgain = socket(user('1'));
    const bob = socket(user('2'));
    alice.answer(async () => { throw unauthenticated('Token revoked', { reason: 'revoked' }); });
    aliceAgain.answer(async () => { throw unauthenticated('Token revoked', { reason: 'revoked' }); });
    await userChanged('1');
    await settle();
    const revoked = { cause: 'revoked', code: 4403, reason: 'Forbidden: token revoked', message: 'Your session token was revoked' };
    expect(alice.ends).toEqual([revoked]);
    expect(aliceAgain.ends).toEqual([revoked]);
    expect(bob.verify).not.toHaveBeenCalled();
    expect(bob.ends).toEqual([]);
    expect(sessions.size).toBe(1);
    await expect(alice.session.current()).resolves.toBeNull();
    await expect(bob.session.current()).resolves.toMatchObject({ userId: '2' });
  });

  it.each([
    ['unknown_user', { cause: 'deleted', code: 4403, reason: 'Forbidden: user deleted', message: 'Your account was deleted' }],
    ['expired', { cause: 'expired', code: 4401, reason: 'Unauthorized: token expired', message: 'Your session token expired: reconnect with a fresh one' }],
    [undefined, { cause: 'revoked', code: 4403, reason: 'Forbidden: token revoked', message: 'Your session token was revoked' }],
  ])('says why it closes for reason %s', async (reason, end) => {
    const { socket, userChanged } = setup();
    const alice = socket(user('1'));
    alice.answer(async () => { throw unauthenticated('no', reason ? { reason } : undefined); });
    await userChanged('1');
    await settle();
    expect(alice.ends).toEqual([end]);
  });

  it('follows a role change: current() gives the new role and role listeners hear it once per socket', async () => {
    const { sessions, socket, userChanged } = setup();
    const heard: UserPrincipal[] = [];
    sessions.onRoleChange((p) => heard.push(p));
    const alice = socket(user('1', { role: 'ADMIN' }));
    alice.answer(async () => user('1', { role: 'MEMBER' }));
    await userChanged('1');
    await settle();
    expect(alice.ends).toEqual([]);
    await expect(alice.session.current()).resolves.toMatchObject({ role: 'MEMBER' });
    expect(heard).toEqual([expect.objectContaining({ userId: '1', role: 'MEMBER' })]);
    await userChanged('1'); // same role again: nobody told
    await settle();
    expect(heard).toHaveLength(1);
  });

  it('makes an operation wait for a re-check under way, and refuses it once the token is revoked', async () => {
    const { socket, userChanged } = setup();
    const alice = socket(user('1'));
    let release!: () => void;
    alice.answer(() => new Promise((_, reject) => { release = () => reject(unauthenticated('Token revoked', { reason: 'revoked' })); }));
    await userChanged('1');
    await settle();
    const operation = alice.session.current();
    release();
    await expect(operation).resolves.toBeNull();
    expect(alice.ends).toHaveLength(1);
  });

  it('checks again when a change arrives while a check is under way (what it read may predate the change)', async () => {
    const { socket, userChanged } = setup();
    const alice = socket(user('1'));
    let release!: () => void;
    alice.answer(() => new Promise((resolve) => { release = () => resolve(user('1')); }));
    await userChanged('1');
    await settle();
    await userChanged('1');
    alice.answer(async () => { throw unauthenticated('Token revoked', { reason: 'revoked' }); });
    release();
    await settle();
    expect(alice.verify).toHaveBeenCalledTimes(2);
    expect(alice.ends).toMatchObject([{ cause: 'revoked' }]);
  });

  it('re-checks a socket at once when a change came while its credentials were being checked (the ticket)', async () => {
    const { sessions, socket, userChanged } = setup();
    const ticket = sessions.begin();
    await userChanged('1'); // revoked while the handshake was checking the token
    const alice = socket(user('1'), ticket, async () => { throw unauthenticated('Token revoked', { reason: 'revoked' }); });
    await settle();
    expect(alice.ends).toMatchObject([{ code: 4403 }]);
    const bob = socket(user('2')); // a ticket taken after the change: nothing to re-check
    await settle();
    expect(bob.verify).not.toHaveBeenCalled();
  });

  it('keeps a socket whose check could not reach the database, and tries again', async () => {
    const { socket, userChanged, log } = setup();
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'setImmediate', 'nextTick'] });
    try {
      const alice = socket(user('1'));
      alice.answer(async () => { throw new Error('ECONNREFUSED'); });
      await userChanged('1');
      await settle();
      expect(alice.ends).toEqual([]);
      expect(log.warn).toHaveBeenCalledTimes(1);
      await expect(alice.session.current()).resolves.toMatchObject({ userId: '1' });
      alice.answer(async () => { throw unauthenticated('Token revoked', { reason: 'revoked' }); });
      jest.advanceTimersByTime(2_000);
      await settle();
      expect(alice.verify).toHaveBeenCalledTimes(2);
      expect(alice.ends).toMatchObject([{ cause: 'revoked' }]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('re-checks every socket of an app when its secret is rotated, and none for a settings change', async () => {
    const { bus, socket } = setup();
    const alice = socket(user('1'));
    const backend = socket<AppPrincipal>({ kind: 'app', scope });
    const other = socket(user('1', { scope: { appId: '8' } as AppScope }));
    await bus.publish({ type: 'app.changed', appId: '7', roomId: null, secretRotated: false });
    await settle();
    expect(alice.verify).not.toHaveBeenCalled();
    for (const s of [alice, backend]) s.answer(async () => { throw unauthenticated('Invalid app id or secret'); });
    await bus.publish({ type: 'app.changed', appId: '7', roomId: null, secretRotated: true });
    await settle();
    expect(alice.ends).toMatchObject([{ code: 4403, reason: 'Forbidden: token revoked' }]);
    expect(backend.ends).toEqual([{ cause: 'revoked', code: 4403, reason: 'Forbidden: the app secret was rotated', message: 'The app secret was rotated' }]);
    expect(other.verify).not.toHaveBeenCalled();
  });

  it('runs at most 16 checks at once', async () => {
    const { bus, socket } = setup();
    let running = 0;
    let most = 0;
    const sockets = Array.from({ length: 40 }, (_, i) => socket(user(String(i + 1))));
    for (const s of sockets) {
      s.answer(async () => {
        most = Math.max(most, ++running);
        await settle();
        running--;
        return user('1');
      });
    }
    await bus.publish({ type: 'app.changed', appId: '7', roomId: null, secretRotated: true });
    for (let i = 0; i < 10; i++) await settle();
    expect(sockets.every((s) => s.verify.mock.calls.length === 1)).toBe(true);
    expect(most).toBe(16);
  });

  it('closes a socket with 4401 when its token expires, and at once when it has already', async () => {
    const { sessions, socket } = setup();
    const soon = socket(user('1', { expiresAt: new Date(Date.now() + 60) }));
    const gone = socket(user('2', { expiresAt: new Date(Date.now() - 1) }));
    expect(gone.ends).toMatchObject([{ cause: 'expired', code: 4401 }]);
    expect(gone.session.ended).not.toBeNull();
    expect(soon.ends).toEqual([]);
    await new Promise((r) => setTimeout(r, 120));
    expect(soon.ends).toMatchObject([{ cause: 'expired', code: 4401 }]);
    expect(sessions.size).toBe(0);
  });

  it('arms no timer beyond setTimeout\'s range for a far expiry, and lets go of it when the socket closes', () => {
    const { sessions, socket } = setup();
    const timeouts = jest.spyOn(global, 'setTimeout');
    try {
      const far = socket(user('1', { expiresAt: new Date(Date.now() + 400 * 24 * HOUR) }));
      const delay = timeouts.mock.calls.at(-1)![1]!;
      expect(delay).toBe(2 ** 31 - 1);
      far.session.forget();
      expect(sessions.size).toBe(0);
    } finally {
      timeouts.mockRestore();
    }
  });

  it('sends nothing to a socket that already closed', async () => {
    const { socket, userChanged } = setup();
    const alice = socket(user('1'));
    alice.session.forget();
    await userChanged('1');
    await settle();
    expect(alice.verify).not.toHaveBeenCalled();
    expect(alice.ends).toEqual([]);
    await expect(alice.session.current()).resolves.toBeNull();
  });
});
