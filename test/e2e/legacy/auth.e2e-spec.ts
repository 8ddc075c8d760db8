import { BULK_SENDING } from '../../support/factories.js';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { authedSocket, LegacyClient, legacySocket } from '../../support/legacy.js';
import { untilClockPasses } from '../../support/wait.js';
import { UserRole } from '../../../src/users/user.model.js';

const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const DELETE = `mutation($id: ID!) { deleteMessage(id: $id) { ok } }`;
const MUTE = `mutation($r: ID!, $u: ID!, $m: Int!) { muteUser(roomId: $r, userId: $u, minutes: $m) { type mutedUntil } }`;
const REVOKE = `mutation($id: ID!) { revokeUserTokens(userId: $id) }`;
const SET_ROLE = `mutation($u: ID!, $role: UserRole!) { setUserRole(userId: $u, role: $role) { role } }`;

describe.each(testDrivers())('legacy auth on %s', (driver) => {
  let t: TestApp;
  const open: LegacyClient[] = [];
  const socket = async (options?: Parameters<typeof legacySocket>[1]) => { const s = await legacySocket(t.url, options); open.push(s); return s; };
  beforeAll(async () => { t = await startApp(driver); });
  afterEach(() => { for (const s of open.splice(0)) s.close(); });
  afterAll(() => t.close());

  it('answers a valid hashed_token with the user and the lobby state, through the two-argument ack', async () => {
    const app = await t.factories.app();
    const owner = await t.factories.user(app, { role: UserRole.OWNER });
    const s = await socket();
    const answer = await s.request('auth', { app_id: Number(app.id), hashed_token: owner.hashedToken });
    expect(answer).toHaveLength(2);
    const [err, data] = answer as [unknown, any];
    expect(err).toBeNull();
    expect(data.user).toEqual({ id: Number(owner.id), uname: owner.uname, role: 'owner' });
    expect(data.room).toEqual({ users: { [owner.uname]: { id: Number(owner.id), uname: owner.uname, role: 'owner' } }, history: [], muteList: {} });
  });

  it('accepts token_hash as the old name of hashed_token, and app_id as a decimal string', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const [err, data] = await (await socket()).auth({ app_id: app.id, token_hash: alice.hashedToken });
    expect(err).toBeNull();
    expect(data.user).toMatchObject({ uname: alice.uname, role: 'member' });
  });

  it('works for old pages on socket.io-client 2.x, over websocket and polling', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    for (const transport of ['websocket', 'polling'] as const) {
      const s = await socket({ client: 2, transport });
      const [err, data] = await s.auth({ app_id: Number(app.id), hashed_token: alice.hashedToken });
      expect(err).toBeNull();
      expect(data.user.uname).toBe(alice.uname);
      await expect(s.request('new_message', `hello from v2 ${transport}`)).resolves.toEqual([]);
      await expect(s.next('new_message')).resolves.toMatchObject({ text: `hello from v2 ${transport}`, user: { uname: alice.uname, role: 'member' } });
    }
  });

  it.each([
    ['no hashed_token', () => ({})],
    ['a null hashed_token', () => ({ hashed_token: null })],
    ['a hash no token has', () => ({ hashed_token: 'a'.repeat(64) })],
    ['garbage', () => ({ hashed_token: 'not a hash' })],
    ['a huge string', () => ({ hashed_token: 'f'.repeat(200_000) })],
  ])('answers %s anonymously: no user key, the room still there', async (_, extra) => {
    const app = await t.factories.app();
    const [err, data] = await (await socket()).auth({ app_id: Number(app.id), ...extra() });
    expect(err).toBeNull();
    expect(data).not.toHaveProperty('user');
    expect(data.room).toEqual({ users: {}, history: [], muteList: {} });
  });

  it('gives no user for a revoked token, an expired one, or one of another app', async () => {
    const app = await t.factories.app();
    const other = await t.factories.app();
    const alice = await t.factories.user(app);
    const stranger = await t.factories.user(other);
    const [, foreign] = await (await socket()).auth({ app_id: Number(app.id), hashed_token: stranger.hashedToken });
    expect(foreign).not.toHaveProperty('user');
    const expiring = await t.gql(`mutation($id: ID!, $at: DateTime) { issueUserToken(userId: $id, expiresAt: $at) { hashedToken expiresAt } }`,
      { id: alice.id, at: new Date(Date.now() + 1500).toISOString() }, app.headers);
    await untilClockPasses(Date.parse(expiring.data!.issueUserToken.expiresAt)); // the end the server gave it
    const [, expired] = await (await socket()).auth({ app_id: Number(app.id), hashed_token: expiring.data!.issueUserToken.hashedToken });
    expect(expired).not.toHaveProperty('user');
    expect((await t.gql(REVOKE, { id: alice.id }, app.headers)).data!.revokeUserTokens).toBeGreaterThan(0);
    const [err, revoked] = await (await socket()).auth({ app_id: Number(app.id), hashed_token: alice.hashedToken });
    expect(err).toBeNull();
    expect(revoked).not.toHaveProperty('user');
  });

  it('answers an app_id that names no app with a client_error and the ack err, so the page never hangs', async () => {
    const s = await socket();
    const [err, data] = await s.auth({ app_id: 987654321 });
    expect(err).toBe('APP_NOT_FOUND');
    expect(data).toBeUndefined();
    await expect(s.next('client_error')).resolves.toMatch(/987654321 names no app/);
    const app = await t.factories.app(); // the socket may still authenticate properly
    await expect(s.auth({ app_id: Number(app.id) })).resolves.toEqual([null, expect.objectContaining({ room: expect.any(Object) })]);
  });

  it.each([
    ['missing', {}],
    ['null', { app_id: null }],
    ['a fraction', { app_id: 1.5 }],
    ['negative', { app_id: -3 }],
    ['zero', { app_id: 0 }],
    ['a word', { app_id: 'abc' }],
    ['a boolean', { app_id: true }],
    ['an object', { app_id: { id: 1 } }],
    ['an array', { app_id: [1] }],
    ['huge', { app_id: '9'.repeat(5000) }],
  ])('refuses an app_id that is %s with a client_error and INVALID_APP_ID', async (_, payload) => {
    const s = await socket();
    await expect(s.auth(payload)).resolves.toEqual(['INVALID_APP_ID', undefined]);
    await expect(s.next('client_error')).resolves.toMatch(/app_id/);
  });

  it('answers auth once per socket: a second auth gets a client_error, the first session stays', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const { socket: s } = await authedSocket(t.url, app.id, alice.hashedToken);
    open.push(s);
    await expect(s.auth({ app_id: Number(app.id) })).resolves.toEqual(['ALREADY_AUTHENTICATED', undefined]);
    await expect(s.next('client_error')).resolves.toMatch(/once/);
    await expect(s.request('new_message', 'still me')).resolves.toEqual([]);
    await expect(s.next('new_message')).resolves.toMatchObject({ user: { uname: alice.uname } });
  });

  it('sends the last 100 lobby messages, oldest first, without deleted ones', async () => {
    const app = await t.factories.app(undefined, BULK_SENDING);
    const alice = await t.factories.user(app);
    const ids: string[] = [];
    for (let i = 0; i < 104; i++) ids.push((await t.gql(SEND, { r: app.lobbyId, t: `m${i}` }, alice.headers)).data!.sendMessage.id);
    for (const id of [ids[103], ids[50]]) expect((await t.gql(DELETE, { id }, alice.headers)).data!.deleteMessage.ok).toBe(true);
    const [, data] = await (await socket()).auth({ app_id: Number(app.id) });
    const texts = data.room.history.map((m: any) => m.text);
    expect(texts).toHaveLength(100);
    expect(texts[0]).toBe('m2'); // 104 sent, 2 deleted: the newest 100 of the other 102 start at m2
    expect(texts[99]).toBe('m102');
    expect(texts).not.toContain('m50');
    expect(texts).not.toContain('m103');
    expect(data.room.history[0]).toEqual({ id: Number(ids[2]), user: { uname: alice.uname, role: 'member' }, text: 'm2' });
    expect(data.room.history.every((m: any, i: number, all: any[]) => i === 0 || m.id > all[i - 1].id)).toBe(true);
  });

  it('lists connected users keyed by uname, and running mutes keyed by lower-case uname', async () => {
    const app = await t.factories.app();
    const mod = await t.factories.user(app, { role: UserRole.MOD });
    const loud = await t.factories.user(app, { uname: `Loud${Date.now() % 100000}` });
    const { socket: modSocket } = await authedSocket(t.url, app.id, mod.hashedToken);
    open.push(modSocket);
    const muted = await t.gql(MUTE, { r: app.lobbyId, u: loud.id, m: 30 }, app.headers);
    expect(muted.data!.muteUser.type).toBe('MUTED');
    const [, data] = await (await socket()).auth({ app_id: Number(app.id), hashed_token: loud.hashedToken });
    expect(Object.keys(data.room.users).sort()).toEqual([loud.uname, mod.uname].sort());
    expect(data.room.users[mod.uname]).toEqual({ id: Number(mod.id), uname: mod.uname, role: 'mod' });
    expect(data.room.muteList).toEqual({ [loud.uname.toLowerCase()]: { uname: loud.uname, mins: 30, expires_at: muted.data!.muteUser.mutedUntil } });
  });

  it('lists connected users as they are now: a role changed after they were listed shows in the next auth', async () => {
    const app = await t.factories.app();
    const carol = await t.factories.user(app);
    const { socket: carolSocket } = await authedSocket(t.url, app.id, carol.hashedToken);
    open.push(carolSocket);
    const before = await (await socket()).auth({ app_id: Number(app.id) });
    expect(before[1].room.users[carol.uname]).toEqual({ id: Number(carol.id), uname: carol.uname, role: 'member' });
    expect((await t.gql(SET_ROLE, { u: carol.id, role: 'MOD' }, app.headers)).data!.setUserRole.role).toBe('MOD');
    const after = await (await socket()).auth({ app_id: Number(app.id) });
    expect(after[1].room.users[carol.uname]).toEqual({ id: Number(carol.id), uname: carol.uname, role: 'mod' });
  });

  it('keeps apps apart: another app\'s users, history and mutes never show', async () => {
    const a = await t.factories.app();
    const b = await t.factories.app();
    const alice = await t.factories.user(a);
    const { socket: aliceSocket } = await authedSocket(t.url, a.id, alice.hashedToken);
    open.push(aliceSocket);
    await t.gql(SEND, { r: a.lobbyId, t: 'only in a' }, alice.headers);
    await t.gql(MUTE, { r: a.lobbyId, u: alice.id, m: 5 }, a.headers);
    const [, data] = await (await socket()).auth({ app_id: Number(b.id) });
    expect(data.room).toEqual({ users: {}, history: [], muteList: {} });
  });
});
