import { createHmac, createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppsService } from '../apps/apps.service.js';
import { DEFAULT_APP_SETTINGS } from '../apps/app-settings.js';
import { ChatError } from '../common/errors/chat-error.js';
import type { Logger } from 'pino';
import { LocalEventBus } from '../realtime/local-event-bus.js';
import { AuthSubject, UsersRepository } from '../users/users.repository.js';
import { strictFake } from '../../test/support/strict-fake.js';
import { AuthSubjectCache } from './auth-subject.cache.js';
import { UserJwtStrategy } from './user-jwt.strategy.js';

const SECRET = 'app-secret-of-seven';
const app = { id: '7', secret: SECRET, verifyKey: createSecretKey(Buffer.from(SECRET)), settings: DEFAULT_APP_SETTINGS };


const subject = (changes: Partial<AuthSubject> = {}): AuthSubject =>
  ({ userId: '3', role: 'MEMBER', tokensValidAfter: null, tokenRecorded: true, tokenRevokedAt: null, ...changes });

function setup(stored: () => AuthSubject | null | Promise<AuthSubject | null> = () => subject()) {
  const apps = strictFake<AppsService>('AppsService', { credentials: async (id: string) => (id === '7' ? app : null) });
  const users = strictFake<UsersRepository>('UsersRepository', { findAuthSubject: async () => stored() });
  const bus = new LocalEventBus(strictFake<Logger>('Logger')); // listeners run before publish resolves
  const cache = new AuthSubjectCache(users, bus);
  cache.onModuleInit();
  return { strategy: new UserJwtStrategy(apps, cache), users, bus };
}

const sign = (claims: object, options: jwt.SignOptions = {}, secret = SECRET) =>
  jwt.sign({ app: '7', jti: 'j1', ...claims }, secret, { algorithm: 'HS256', subject: '3', expiresIn: 600, ...options });
/** Any claims at all, signed HS256 by hand (jsonwebtoken refuses to sign some of the odd ones). */
const rawSign = (claims: object) => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ app: '7', sub: '3', jti: 'j1', ...claims })}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
};
const failure = (promise: Promise<unknown>) =>
  promise.then(() => 'resolved', (e: ChatError) => ({ code: e.code, message: e.message, details: e.details }));

const past = Math.floor(Date.now() / 1000) - 10;

describe('UserJwtStrategy', () => {
  it('accepts what it signs by hand too (the odd cases below differ from it in one claim only)', async () => {
    await expect(setup().strategy.authenticateBearer(rawSign({ exp: past + 600 }))).resolves.toMatchObject({ userId: '3' });
  });

  it('makes the user principal from a good token, reading the database once for repeated requests', async () => {
    const { strategy, users } = setup();
    const token = sign({});
    const expiresAt = new Date((jwt.decode(token) as jwt.JwtPayload).exp! * 1000);
    for (let i = 0; i < 3; i++) {
      await expect(strategy.authenticateBearer(token)).resolves.toEqual({ kind: 'user', scope: { appId: '7' }, userId: '3', role: 'MEMBER', tokenId: 'j1', expiresAt });
    }
    expect(users.findAuthSubject).toHaveBeenCalledTimes(1);
    expect(users.findAuthSubject).toHaveBeenCalledWith({ appId: '7' }, '3', 'j1');
  });

  it('refuses a token revoked after it was cached as soon as user.changed is delivered', async () => {
    let stored = subject();
    const { strategy, bus } = setup(() => stored);
    const token = sign({});
    await expect(strategy.authenticateBearer(token)).resolves.toMatchObject({ userId: '3' });
    stored = subject({ tokenRevokedAt: new Date() });
    await bus.publish({ type: 'user.changed', appId: '7', roomId: null, userIds: ['3'] });
    await expect(failure(strategy.authenticateBearer(token))).resolves.toEqual({ code: 'UNAUTHENTICATED', message: 'Token revoked', details: { reason: 'revoked' } });
  });

  it('refuses an unrecorded (offline-minted) token issued at or before the cut-off, and accepts a later one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { strategy } = setup(() => subject({ tokenRecorded: false, tokensValidAfter: new Date(now * 1000) }));
    await expect(failure(strategy.authenticateBearer(sign({ iat: now })))).resolves.toMatchObject({ details: { reason: 'revoked' } });
    await expect(strategy.authenticateBearer(sign({ iat: now + 1, jti: 'j2' }))).resolves.toMatchObject({ tokenId: 'j2' });
  });

  it('sees a new role after user.changed, and only for the user it names', async () => {
    let role: AuthSubject['role'] = 'MEMBER';
    const { strategy, bus, users } = setup(() => subject({ role }));
    const token = sign({});
    await expect(strategy.authenticateBearer(token)).resolves.toMatchObject({ role: 'MEMBER' });
    role = 'ADMIN';
    await bus.publish({ type: 'user.changed', appId: '7', roomId: null, userIds: ['33'] }); // user 33, not 3
    await bus.publish({ type: 'user.changed', appId: '8', roomId: null, userIds: ['3'] }); // another app's user 3
    await expect(strategy.authenticateBearer(token)).resolves.toMatchObject({ role: 'MEMBER' });
    await bus.publish({ type: 'user.changed', appId: '7', roomId: null, userIds: ['3'] });
    await expect(strategy.authenticateBearer(token)).resolves.toMatchObject({ role: 'ADMIN' });
    expect(users.findAuthSubject).toHaveBeenCalledTimes(2);
  });

  it('reads again after app.changed (a rotated secret revokes every token of the app)', async () => {
    let stored = subject();
    const { strategy, bus } = setup(() => stored);
    const token = sign({});
    await strategy.authenticateBearer(token);
    stored = subject({ tokenRevokedAt: new Date() });
    await bus.publish({ type: 'app.changed', appId: '7', roomId: null, secretRotated: false });
    await expect(failure(strategy.authenticateBearer(token))).resolves.toMatchObject({ message: 'Token revoked' });
  });

  it('does not keep a read that was in flight when user.changed arrived', async () => {
    let release!: () => void;
    let stored = subject();
    const { strategy, bus } = setup(() => new Promise((resolve) => { const before = stored; release = () => resolve(before); }));
    const token = sign({});
    const first = strategy.authenticateBearer(token);
    await new Promise((r) => setImmediate(r));
    stored = subject({ tokenRevokedAt: new Date() });
    await bus.publish({ type: 'user.changed', appId: '7', roomId: null, userIds: ['3'] });
    release();
    await expect(first).resolves.toMatchObject({ userId: '3' }); // began before the revocation
    const second = strategy.authenticateBearer(token);
    await new Promise((r) => setImmediate(r));
    release();
    await expect(failure(second)).resolves.toMatchObject({ message: 'Token revoked' });
  });

  it('does not remember a user that does not exist', async () => {
    const { strategy, users } = setup(() => null);
    const token = sign({});
    for (let i = 0; i < 2; i++) await expect(failure(strategy.authenticateBearer(token))).resolves.toMatchObject({ message: 'Invalid token: user not found', details: { reason: 'unknown_user' } });
    expect(users.findAuthSubject).toHaveBeenCalledTimes(2);
  });

  const good = () => sign({});
  it.each([
    ['garbage', () => 'not-a-jwt', 'Invalid token: no app claim'],
    ['four segments', () => `${good()}.x`, 'Invalid token: no app claim'],
    ['no app claim', () => jwt.sign({ sub: '3', exp: past + 600 }, SECRET), 'Invalid token: no app claim'],
    ['an app id that is no integer', () => sign({ app: '7 OR 1=1' }), 'Invalid token: no app claim'],
    ['an unknown app', () => sign({ app: '8' }), 'Invalid token: unknown app'],
    ['alg none', () => jwt.sign({ app: '7', sub: '3', exp: past + 600 }, '', { algorithm: 'none' }), 'Invalid token: jwt signature is required'],
    ['HS512', () => sign({}, { algorithm: 'HS512' }), 'Invalid token: invalid algorithm'],
    ['no signature', () => good().replace(/[^.]+$/, ''), 'Invalid token: jwt signature is required'],
    ['another secret', () => sign({}, {}, 'not-the-secret'), 'Invalid token: invalid signature'],
    ['a tampered payload', () => { const [h, , s] = good().split('.'); return `${h}.${Buffer.from(JSON.stringify({ app: '7', sub: '4', exp: past + 600 })).toString('base64url')}.${s}`; }, 'Invalid token: invalid signature'],
    ['the signature spelled with padding', () => `${good()}=`, 'Invalid token: no app claim'],
    ['an expired token', () => rawSign({ exp: past }), 'Token expired'],
    ['a token not valid yet', () => sign({}, { notBefore: 60 }), 'Invalid token: jwt not active'],
    ['no exp', () => rawSign({}), 'Invalid token: no exp claim'],
    ['a text exp', () => rawSign({ exp: 'soon' }), 'Invalid token: invalid exp value'],
    ['a payload that is no object', () => rawSign({}).replace(/\.[^.]+\./, `.${Buffer.from('[1]').toString('base64url')}.`), 'Invalid token: no app claim'],
    ['a sub that is no id', () => sign({}, { subject: 'alice' }), 'Invalid token: bad sub claim'],
  ])('refuses %s as UNAUTHENTICATED, before any user lookup', async (_, make, message) => {
    const { strategy, users } = setup();
    const details = message === 'Token expired' ? { reason: 'expired' } : undefined; // so a client knows to get a fresh one
    await expect(failure(strategy.authenticateBearer(make()))).resolves.toEqual({ code: 'UNAUTHENTICATED', message, details });
    expect(users.findAuthSubject).not.toHaveBeenCalled();
  });
});
