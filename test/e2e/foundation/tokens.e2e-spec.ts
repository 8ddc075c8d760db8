import jwt from 'jsonwebtoken';
import { createHash } from 'node:crypto';
import { asUser, codeOf } from '../../support/clients.js';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { UserRole } from '../../../src/users/user.model.js';
import { closeCodeOf, connected, gqlWsClient } from '../../support/ws.js';

const ISSUE = `mutation($id: ID!, $at: DateTime) { issueUserToken(userId: $id, expiresAt: $at) { token hashedToken expiresAt } }`;
const ME = `{ me { id uname role } }`;
const SET_ROLE = `mutation($u: ID!, $role: UserRole!) { setUserRole(userId: $u, role: $role) { id role } }`;

describe.each(testDrivers())('user tokens on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  it('issues a 24-hour HS256 token naming the user and the app, with its SHA-256 as hashedToken', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const before = Date.now();
    const issued = (await t.gql(ISSUE, { id: alice.id }, app.headers)).data!.issueUserToken;
    const claims = jwt.verify(issued.token, app.secret, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: alice.id, app: app.id, jti: expect.any(String) });
    expect(claims.exp! * 1000 - before).toBeGreaterThan(24 * 3600 * 1000 - 5000);
    expect(claims.exp! * 1000 - before).toBeLessThanOrEqual(24 * 3600 * 1000 + 1000);
    expect(issued.hashedToken).toBe(createHash('sha256').update(issued.token).digest('hex'));
    expect(new Date(issued.expiresAt).getTime()).toBe(claims.exp! * 1000);
    await expect(t.gql(ME, {}, asUser(issued.token))).resolves.toEqual({ data: { me: { id: alice.id, uname: alice.uname, role: 'MEMBER' } } });
  });

  it('honours expiresAt', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const at = new Date(Date.now() + 3 * 3600 * 1000);
    at.setMilliseconds(0);
    const issued = (await t.gql(ISSUE, { id: alice.id, at: at.toISOString() }, app.headers)).data!.issueUserToken;
    expect(issued.expiresAt).toBe(at.toISOString());
    expect((jwt.decode(issued.token) as jwt.JwtPayload).exp).toBe(at.getTime() / 1000);
  });

  it.each([
    ['in the past', () => new Date(Date.now() - 60_000).toISOString()],
    ['not a date', () => 'tomorrow-ish'],
  ])('refuses expiresAt %s as BAD_USER_INPUT', async (_, at) => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    expect(codeOf(await t.gql(ISSUE, { id: alice.id, at: at() }, app.headers))).toBe('BAD_USER_INPUT');
  });

  it('revokes every token of a user, including tokens the app minted offline', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const second = (await t.gql(ISSUE, { id: alice.id }, app.headers)).data!.issueUserToken.token;
    const offline = jwt.sign({ app: app.id, jti: 'offline-1' }, app.secret, { algorithm: 'HS256', subject: alice.id, expiresIn: 600 });
    for (const token of [alice.token, second, offline]) expect(codeOf(await t.gql(ME, {}, asUser(token)))).toBeUndefined();
    const revoked = await t.gql(`mutation($id: ID!) { revokeUserTokens(userId: $id) }`, { id: alice.id }, app.headers);
    expect(revoked.data!.revokeUserTokens).toBe(2);
    for (const token of [alice.token, second, offline]) expect(codeOf(await t.gql(ME, {}, asUser(token)))).toBe('UNAUTHENTICATED');
    // No waiting for the clock: an issued token is judged by its own record, not by iat (whole seconds), so one issued in the same second works.
    const fresh = (await t.gql(ISSUE, { id: alice.id }, app.headers)).data!.issueUserToken.token;
    expect(codeOf(await t.gql(ME, {}, asUser(fresh)))).toBeUndefined();
  });

  it('applies a role change to the next request of a token already in use (auth is cached per instance)', async () => {
    const app = await t.factories.app();
    const admin = await t.factories.user(app, { role: UserRole.ADMIN });
    const bob = await t.factories.user(app);
    expect(codeOf(await t.gql(SET_ROLE, { u: bob.id, role: 'MOD' }, admin.headers))).toBeUndefined(); // admin's token is cached now
    await t.gql(SET_ROLE, { u: admin.id, role: 'MEMBER' }, app.headers);
    expect(codeOf(await t.gql(SET_ROLE, { u: bob.id, role: 'MEMBER' }, admin.headers))).toBe('FORBIDDEN');
    await t.gql(SET_ROLE, { u: admin.id, role: 'ADMIN' }, app.headers);
    expect(codeOf(await t.gql(SET_ROLE, { u: bob.id, role: 'MEMBER' }, admin.headers))).toBeUndefined();
  });

  it('refuses a cached token of a deleted user at once', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    expect(codeOf(await t.gql(ME, {}, alice.headers))).toBeUndefined();
    expect((await t.gql(`mutation($id: ID!) { deleteUser(id: $id) { ok } }`, { id: alice.id }, app.headers)).data!.deleteUser.ok).toBe(true);
    expect(codeOf(await t.gql(ME, {}, alice.headers))).toBe('UNAUTHENTICATED');
  });

  it('answers a revoked token with extensions.reason "revoked" right after revokeUserTokens, though it was just used', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    expect(codeOf(await t.gql(ME, {}, alice.headers))).toBeUndefined();
    await t.gql(`mutation($id: ID!) { revokeUserTokens(userId: $id) }`, { id: alice.id }, app.headers);
    const refused = await t.gql(ME, {}, alice.headers);
    expect(refused.errors?.[0]).toMatchObject({ message: 'Token revoked', extensions: { code: 'UNAUTHENTICATED', reason: 'revoked' } });
  });

  it.each([
    ['garbage', () => 'not-a-jwt'],
    ['an empty bearer', () => ''],
    ['an expired token', (app: any, user: any) => jwt.sign({ app: app.id, exp: Math.floor(Date.now() / 1000) - 10 }, app.secret, { subject: user.id })],
    ['a token without exp', (app: any, user: any) => jwt.sign({ app: app.id }, app.secret, { subject: user.id })],
    ['a token signed with another secret', (app: any, user: any) => jwt.sign({ app: app.id }, 'not-the-secret', { subject: user.id, expiresIn: 60 })],
    ['a token naming an app that does not exist', (_: any, user: any) => jwt.sign({ app: '999999999' }, 'x', { subject: user.id, expiresIn: 60 })],
    ['a token with alg none', (app: any, user: any) => jwt.sign({ app: app.id, sub: user.id, exp: Math.floor(Date.now() / 1000) + 60 }, '', { algorithm: 'none' })],
    ['a token for a user of another app', (app: any) => jwt.sign({ app: app.id }, app.secret, { subject: '999999999', expiresIn: 60 })],
  ])('refuses %s as UNAUTHENTICATED', async (_, make) => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const result = await t.gql(ME, {}, { authorization: `Bearer ${make(app, alice)}` });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.data ?? null).toBeNull();
  });

  describe('over graphql-ws', () => {
    it('accepts a valid token in connectionParams', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      const client = gqlWsClient(t.url, { authorization: `Bearer ${alice.token}` });
      await expect(connected(client)).resolves.toBeUndefined();
      await client.dispose();
    });

    it.each([
      ['no connectionParams', () => undefined],
      ['no authorization', () => ({})],
      ['a garbage token', () => ({ authorization: 'Bearer nope' })],
      ['a non-Bearer authorization', () => ({ authorization: 'Basic abc' })],
    ])('closes a connection with %s with 4401', async (_, params) => {
      const client = gqlWsClient(t.url, params() as Record<string, unknown> | undefined);
      await expect(closeCodeOf(client)).resolves.toBe(4401);
      await client.dispose();
    });

    it('closes a connection with a revoked token with 4403', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      await t.gql(`mutation($id: ID!) { revokeUserTokens(userId: $id) }`, { id: alice.id }, app.headers);
      const client = gqlWsClient(t.url, { authorization: `Bearer ${alice.token}` });
      await expect(closeCodeOf(client)).resolves.toBe(4403);
      await client.dispose();
    });

    it('survives a flood of garbage connections and still serves', async () => {
      const clients = Array.from({ length: 30 }, (_, i) => gqlWsClient(t.url, i % 2 ? { authorization: `Bearer ${'x'.repeat(i * 100)}` } : { authorization: 42 }));
      await Promise.all(clients.map((c) => closeCodeOf(c)));
      await Promise.all(clients.map((c) => c.dispose()));
      await expect(fetch(`${t.url}/health`).then((r) => r.status)).resolves.toBe(200);
    });
  });
});
