import { asApp, codeOf } from '../../support/clients.js';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { unique } from '../../support/factories.js';

const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id uname externalId displayName role isBot meta online createdAt } }`;
const USER = `query($id: ID!) { user(id: $id) { id uname } }`;

describe.each(testDrivers())('users on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  it('creates a user with every field and reads it back', async () => {
    const app = await t.factories.app();
    const input = { uname: 'Alice.B-1_x', externalId: 'ext-1', displayName: 'Alice B', role: 'MOD', isBot: false, meta: { level: 3, tags: ['a'] } };
    const created = await t.gql(CREATE_USER, { input }, app.headers);
    expect(created.errors).toBeUndefined();
    expect(created.data!.createUser).toMatchObject({ ...input, online: false, id: expect.stringMatching(/^\d+$/) });
    const read = await t.gql(USER, { id: created.data!.createUser.id }, app.headers);
    expect(read.data!.user).toEqual({ id: created.data!.createUser.id, uname: 'Alice.B-1_x' });
  });

  it('defaults role to MEMBER and isBot to false', async () => {
    const app = await t.factories.app();
    const created = await t.gql(CREATE_USER, { input: { uname: 'plain' } }, app.headers);
    expect(created.data!.createUser).toMatchObject({ role: 'MEMBER', isBot: false, meta: null, externalId: null });
  });

  it('keeps uname unique per app, case-insensitively, and lets another app reuse it', async () => {
    const app = await t.factories.app();
    const other = await t.factories.app();
    expect(codeOf(await t.gql(CREATE_USER, { input: { uname: 'Bob' } }, app.headers))).toBeUndefined();
    expect(codeOf(await t.gql(CREATE_USER, { input: { uname: 'bOB' } }, app.headers))).toBe('CONFLICT');
    expect(codeOf(await t.gql(CREATE_USER, { input: { uname: 'BOB' } }, other.headers))).toBeUndefined();
  });

  it('keeps externalId unique per app', async () => {
    const app = await t.factories.app();
    await t.gql(CREATE_USER, { input: { uname: unique('a'), externalId: 'same' } }, app.headers);
    const again = await t.gql(CREATE_USER, { input: { uname: unique('b'), externalId: 'same' } }, app.headers);
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0].message).toContain('externalId');
  });

  it.each([
    ['empty', ''],
    ['33 characters', 'a'.repeat(33)],
    ['a space', 'al ice'],
    ['an @', 'al@ice'],
    ['non-ASCII letters', 'ålice'],
    ['a slash', 'a/b'],
  ])('refuses a uname with %s as BAD_USER_INPUT', async (_, uname) => {
    const app = await t.factories.app();
    expect(codeOf(await t.gql(CREATE_USER, { input: { uname } }, app.headers))).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['meta that is not an object', { uname: 'm1', meta: [1, 2] }],
    ['meta over 8 KiB', { uname: 'm2', meta: { blob: 'x'.repeat(9000) } }],
    ['an unknown role', { uname: 'm3', role: 'KING' }],
  ])('refuses %s as BAD_USER_INPUT', async (_, input) => {
    const app = await t.factories.app();
    expect(codeOf(await t.gql(CREATE_USER, { input }, app.headers))).toBe('BAD_USER_INPUT');
  });

  it('pages users, 1-based, with the total', async () => {
    const app = await t.factories.app();
    for (let i = 0; i < 5; i++) await t.factories.user(app, { uname: `pager${i}` });
    const page1 = await t.gql(`{ users(page: 1, size: 2) { total nodes { uname } } }`, {}, app.headers);
    const page3 = await t.gql(`{ users(page: 3, size: 2) { total nodes { uname } } }`, {}, app.headers);
    expect(page1.data!.users).toEqual({ total: 5, nodes: [{ uname: 'pager0' }, { uname: 'pager1' }] });
    expect(page3.data!.users).toEqual({ total: 5, nodes: [{ uname: 'pager4' }] });
  });

  it.each([
    ['size over 100', '{ users(size: 101) { total } }'],
    ['size 0', '{ users(size: 0) { total } }'],
    ['page 0', '{ users(page: 0) { total } }'],
  ])('refuses %s as BAD_USER_INPUT', async (_, query) => {
    const app = await t.factories.app();
    expect(codeOf(await t.gql(query, {}, app.headers))).toBe('BAD_USER_INPUT');
  });

  it('deletes one user, and answers a missing one with ok: false', async () => {
    const app = await t.factories.app();
    const bob = await t.factories.user(app);
    const del = `mutation($id: ID!) { deleteUser(id: $id) { ok reason } }`;
    await expect(t.gql(del, { id: bob.id }, app.headers)).resolves.toEqual({ data: { deleteUser: { ok: true, reason: null } } });
    await expect(t.gql(del, { id: bob.id }, app.headers)).resolves.toEqual({ data: { deleteUser: { ok: false, reason: 'User not found' } } });
    expect(codeOf(await t.gql(USER, { id: bob.id }, app.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(`{ me { id } }`, {}, bob.headers))).toBe('UNAUTHENTICATED');
  });

  it('deletes many users and counts only those of the app', async () => {
    const app = await t.factories.app();
    const other = await t.factories.app();
    const [a, b] = [await t.factories.user(app), await t.factories.user(app)];
    const foreign = await t.factories.user(other);
    const result = await t.gql(`mutation($ids: [ID!]!) { deleteUsers(ids: $ids) }`, { ids: [a.id, b.id, foreign.id, '999999999'] }, app.headers);
    expect(result.data!.deleteUsers).toBe(2);
    expect(codeOf(await t.gql(USER, { id: foreign.id }, other.headers))).toBeUndefined();
  });

  describe("another app's ids", () => {
    it('are NOT_FOUND, exactly like ids that do not exist, and nothing changes', async () => {
      const owner = await t.factories.app();
      const intruder = await t.factories.app();
      const victim = await t.factories.user(owner);
      for (const id of [victim.id, '999999999']) {
        const read = await t.gql(USER, { id }, intruder.headers);
        expect(codeOf(read)).toBe('NOT_FOUND');
        expect(read.data?.user ?? null).toBeNull();
        expect(codeOf(await t.gql(`mutation($id: ID!) { issueUserToken(userId: $id) { token } }`, { id }, intruder.headers))).toBe('NOT_FOUND');
        expect(codeOf(await t.gql(`mutation($id: ID!) { revokeUserTokens(userId: $id) }`, { id }, intruder.headers))).toBe('NOT_FOUND');
        await expect(t.gql(`mutation($id: ID!) { deleteUser(id: $id) { ok reason } }`, { id }, intruder.headers))
          .resolves.toEqual({ data: { deleteUser: { ok: false, reason: 'User not found' } } });
      }
      const listed = await t.gql(`{ users(size: 100) { total nodes { id } } }`, {}, intruder.headers);
      expect(listed.data!.users).toEqual({ total: 0, nodes: [] });
      await expect(t.gql(`{ me { id } }`, {}, victim.headers)).resolves.toEqual({ data: { me: { id: victim.id } } });
    });

    it("refuse a user token of one app presented with another app's credentials", async () => {
      const owner = await t.factories.app();
      const intruder = await t.factories.app();
      const headers = { ...asApp({ id: owner.id, secret: intruder.secret }) };
      expect(codeOf(await t.gql(`{ users { total } }`, {}, headers))).toBe('UNAUTHENTICATED');
    });
  });

  it('refuses app-backend operations to a user as FORBIDDEN and to nobody as UNAUTHENTICATED', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    expect(codeOf(await t.gql(CREATE_USER, { input: { uname: 'x1' } }, alice.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CREATE_USER, { input: { uname: 'x2' } }, {}))).toBe('UNAUTHENTICATED');
  });
});

describe.each(testDrivers())('user meta on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  it('sets and removes keys, by the app backend or the user themself only', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const patch = `mutation($id: ID!, $p: MetaPatchInput!) { updateUserMeta(id: $id, patch: $p) { meta } }`;
    await expect(t.gql(patch, { id: alice.id, p: { set: { a: 1, b: 2 } } }, app.headers)).resolves.toEqual({ data: { updateUserMeta: { meta: { a: 1, b: 2 } } } });
    await expect(t.gql(patch, { id: alice.id, p: { remove: ['a'] } }, alice.headers)).resolves.toEqual({ data: { updateUserMeta: { meta: { b: 2 } } } });
    expect(codeOf(await t.gql(patch, { id: alice.id, p: { set: { c: 3 } } }, bob.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(patch, { id: alice.id, p: { set: { big: 'x'.repeat(9000) } } }, app.headers))).toBe('BAD_USER_INPUT');
  });

  it('shows the change in me and user(id) right away, though they are served from a cache', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const me = `{ me { meta role } }`;
    await expect(t.gql(me, {}, alice.headers)).resolves.toEqual({ data: { me: { meta: null, role: 'MEMBER' } } }); // now cached
    await t.gql(`mutation($id: ID!) { updateUserMeta(id: $id, patch: { set: { mood: "happy" } }) { id } }`, { id: alice.id }, alice.headers);
    await t.gql(`mutation($u: ID!) { setUserRole(userId: $u, role: MOD) { id } }`, { u: alice.id }, app.headers);
    await expect(t.gql(me, {}, alice.headers)).resolves.toEqual({ data: { me: { meta: { mood: 'happy' }, role: 'MOD' } } });
    await expect(t.gql(`query($id: ID!) { user(id: $id) { meta } }`, { id: alice.id }, app.headers)).resolves.toEqual({ data: { user: { meta: { mood: 'happy' } } } });
  });
});
