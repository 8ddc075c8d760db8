import { UserRole } from '../../../src/users/user.model.js';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf, Headers } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

// Bans (issue "Moderation"): who may ban whom, what a ban does at once on both transports, and its end.
const BAN = `mutation($r: ID!, $u: ID!, $s: Int, $why: String) { banUser(roomId: $r, userId: $u, seconds: $s, reason: $why) { type roomId user { id } actor { id } bannedUntil reason } }`;
const UNBAN = `mutation($r: ID!, $u: ID!) { unbanUser(roomId: $r, userId: $u) { type user { id } actor { id } } }`;
const BANNED = `query($r: ID!) { bannedUsers(roomId: $r) { user { id } startsAt endsAt reason } }`;
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const HISTORY = `query($r: ID!) { messages(roomId: $r) { nodes { text } } }`;
const JOIN = `mutation($r: ID!) { joinRoom(roomId: $r) { role } }`;
const ROOM = `mutation($m: [ID!], $type: RoomType) { createRoom(input: { memberIds: $m, type: $type }) { id } }`;
const ADD = `mutation($r: ID!, $u: ID!, $role: MemberRole) { addMember(roomId: $r, userId: $u, role: $role) { role } }`;
const MEMBERS = `query($r: ID!) { members(roomId: $r) { user { id } } }`;
const MESSAGE_ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { text } }`;
const MEMBERSHIP = `subscription($r: ID!) { membershipChanged(roomId: $r) { type user { id } actor { id } bannedUntil reason } }`;
const LOG = `query($r: ID) { moderationLog(roomId: $r) { action actorKind actor { id } target { id } reason details } }`;


describe.each(testDrivers())('banUser / unbanUser / bannedUsers on %s', (driver) => {
  let t: TestApp;
  const sockets: LegacyClient[] = [];
  beforeAll(async () => { t = await startApp(driver); });
  afterEach(() => { for (const s of sockets.splice(0)) s.close(); });
  afterAll(() => t.close());

  const memberIds = async (roomId: string, headers: Headers) =>
    (await t.gql(MEMBERS, { r: roomId }, headers)).data!.members.map((m: { user: { id: string } }) => m.user.id);

  it('bans for the app backend: the user leaves at once and can neither join, read nor send (BANNED with its end)', async () => {
    const app = await t.factories.app();
    const bob = await t.factories.user(app);
    expect(codeOf(await t.gql(JOIN, { r: app.lobbyId }, bob.headers))).toBeUndefined();
    const before = Date.now();
    const ban = (await t.gql(BAN, { r: app.lobbyId, u: bob.id, s: 3600, why: 'spam links' }, app.headers)).data!.banUser;
    expect(ban).toMatchObject({ type: 'BANNED', roomId: app.lobbyId, user: { id: bob.id }, actor: null, reason: 'spam links' });
    expect(Date.parse(ban.bannedUntil) - before).toBeGreaterThanOrEqual(3600_000 - 50);
    expect(await memberIds(app.lobbyId, app.headers)).not.toContain(bob.id);
    for (const attempt of [t.gql(JOIN, { r: app.lobbyId }, bob.headers), t.gql(HISTORY, { r: app.lobbyId }, bob.headers), t.gql(SEND, { r: app.lobbyId, t: 'x' }, bob.headers)]) {
      const refused = await attempt;
      expect(codeOf(refused)).toBe('BANNED');
      expect(refused.errors![0].extensions!.bannedUntil).toBe(ban.bannedUntil);
    }
    expect((await t.gql(BANNED, { r: app.lobbyId }, app.headers)).data!.bannedUsers).toEqual([
      { user: { id: bob.id }, startsAt: expect.any(String), endsAt: ban.bannedUntil, reason: 'spam links' },
    ]);
    expect((await t.gql(UNBAN, { r: app.lobbyId, u: bob.id }, app.headers)).data!.unbanUser).toEqual({ type: 'UNBANNED', user: { id: bob.id }, actor: null });
    expect(codeOf(await t.gql(SEND, { r: app.lobbyId, t: 'back' }, bob.headers))).toBeUndefined();
    expect((await t.gql(BANNED, { r: app.lobbyId }, app.headers)).data!.bannedUsers).toEqual([]);
    const again = await t.gql(UNBAN, { r: app.lobbyId, u: bob.id }, app.headers);
    expect(codeOf(again)).toBe('NOT_FOUND');
    expect(again.errors![0].message).toBe('User not banned');
  });

  it('bans without seconds until unbanned, and keeps a banned user out of a GROUP room the backend adds them to', async () => {
    const app = await t.factories.app();
    const bob = await t.factories.user(app);
    const room = (await t.gql(ROOM, { m: [bob.id] }, app.headers)).data!.createRoom.id;
    const ban = (await t.gql(BAN, { r: room, u: bob.id }, app.headers)).data!.banUser;
    expect(ban.bannedUntil).toBeNull();
    expect((await t.gql(BANNED, { r: room }, app.headers)).data!.bannedUsers).toEqual([{ user: { id: bob.id }, startsAt: expect.any(String), endsAt: null, reason: null }]);
    expect(codeOf(await t.gql(ADD, { r: room, u: bob.id }, app.headers))).toBe('BANNED');
    expect(codeOf(await t.gql(HISTORY, { r: room }, bob.headers))).toBe('BANNED');
    // A ban is per room: the lobby is still open to them.
    expect(codeOf(await t.gql(SEND, { r: app.lobbyId, t: 'still here' }, bob.headers))).toBeUndefined();
  });

  it('follows who may ban whom: staff over lower roles, managers over plain members, never a plain member', async () => {
    const app = await t.factories.app();
    const [member, member2, mod, mod2, admin, owner, manager, manager2] = [
      await t.factories.user(app), await t.factories.user(app), await t.factories.user(app, { role: UserRole.MOD }),
      await t.factories.user(app, { role: UserRole.MOD }), await t.factories.user(app, { role: UserRole.ADMIN }),
      await t.factories.user(app, { role: UserRole.OWNER }), await t.factories.user(app), await t.factories.user(app),
    ];
    const room = (await t.gql(ROOM, { m: [member.id, member2.id] }, app.headers)).data!.createRoom.id;
    for (const m of [manager, manager2]) expect(codeOf(await t.gql(ADD, { r: room, u: m.id, role: 'MANAGER' }, app.headers))).toBeUndefined();
    const cases: [string, TestUser | TestAppTenant, TestUser, string | undefined][] = [
      ['member on member', member, member2, 'FORBIDDEN'],
      ['member on itself', member, member, 'FORBIDDEN'],
      ['manager on member', manager, member, undefined],
      ['manager on manager', manager, manager2, 'FORBIDDEN'],
      ['manager on mod', manager, mod, 'FORBIDDEN'],
      ['mod on member', mod, member2, undefined],
      ['mod on manager', mod, manager2, undefined],
      ['mod on mod', mod, mod2, 'FORBIDDEN'],
      ['mod on admin', mod, admin, 'FORBIDDEN'],
      ['admin on mod', admin, mod2, undefined],
      ['admin on owner', admin, owner, 'FORBIDDEN'],
      ['owner on admin', owner, admin, undefined],
      ['owner on itself', owner, owner, 'FORBIDDEN'],
      ['app backend on owner', app, owner, undefined],
    ];
    for (const [name, caller, target, code] of cases) {
      const result = await t.gql(BAN, { r: room, u: target.id, s: 60 }, caller.headers);
      expect([name, codeOf(result)]).toEqual([name, code]);
      if (!code) expect(codeOf(await t.gql(UNBAN, { r: room, u: target.id }, app.headers))).toBeUndefined();
    }
    // Reading the ban list follows the same line: managers and staff, not plain members.
    expect(codeOf(await t.gql(BANNED, { r: room }, member.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(BANNED, { r: room }, manager.headers))).toBeUndefined();
    expect(codeOf(await t.gql(BANNED, { r: room }, mod.headers))).toBeUndefined();
  });

  it.each([
    ['zero seconds', { s: 0 }],
    ['negative seconds', { s: -5 }],
    ['more than ten years', { s: 10 * 365 * 24 * 3600 + 1 }],
    ['a reason over 500 characters', { why: 'x'.repeat(501) }],
  ])('refuses %s as BAD_USER_INPUT and bans nobody', async (_name, extra) => {
    const app = await t.factories.app();
    const bob = await t.factories.user(app);
    expect(codeOf(await t.gql(BAN, { r: app.lobbyId, u: bob.id, ...extra }, app.headers))).toBe('BAD_USER_INPUT');
    expect((await t.gql(BANNED, { r: app.lobbyId }, app.headers)).data!.bannedUsers).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown room or user, and never reaches into another app', async () => {
    const app = await t.factories.app();
    const other = await t.factories.app();
    const stranger = await t.factories.user(other);
    expect(codeOf(await t.gql(BAN, { r: '999999999', u: stranger.id }, app.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(BAN, { r: app.lobbyId, u: stranger.id }, app.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(BAN, { r: other.lobbyId, u: stranger.id }, app.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(BAN, { r: app.lobbyId, u: 'abc' }, app.headers))).toBe('BAD_USER_INPUT');
  });

  it('ends a short ban by itself: UNBANNED without an actor, and the user may come back', async () => {
    const app = await t.factories.app();
    const bob = await t.factories.user(app);
    const client = gqlWsClient(t.url, { 'x-app-id': app.id, 'x-app-secret': app.secret });
    const changes = liveQueue(client, MEMBERSHIP, { r: app.lobbyId });
    await untilLive([changes], async () => { // a newcomer per probe: its JOINED carries its id
      const newcomer = await t.factories.user(app);
      await t.gql(JOIN, { r: app.lobbyId }, newcomer.headers);
      return newcomer.id;
    });
    await t.gql(BAN, { r: app.lobbyId, u: bob.id, s: 1 }, app.headers);
    await expect(changes.next()).resolves.toMatchObject({ data: { membershipChanged: { type: 'BANNED', user: { id: bob.id } } } });
    expect(codeOf(await t.gql(SEND, { r: app.lobbyId, t: 'too early' }, bob.headers))).toBe('BANNED');
    await expect(changes.next(5000)).resolves.toEqual({ data: { membershipChanged: { type: 'UNBANNED', user: { id: bob.id }, actor: null, bannedUntil: null, reason: null } } });
    expect(codeOf(await t.gql(SEND, { r: app.lobbyId, t: 'back again' }, bob.headers))).toBeUndefined();
    expect((await t.gql(BANNED, { r: app.lobbyId }, app.headers)).data!.bannedUsers).toEqual([]);
    changes.stop();
    await client.dispose();
  });

  it('makes a banned user\'s open subscription and legacy socket go quiet, while others keep receiving', async () => {
    const app = await t.factories.app();
    const [bob, carol, dave] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const bobWs = gqlWsClient(t.url, { authorization: `Bearer ${bob.token}` });
    const bobLive = liveQueue(bobWs, MESSAGE_ADDED, { r: app.lobbyId });
    await untilLive([bobLive], (tag) => t.gql(SEND, { r: app.lobbyId, t: tag }, dave.headers));
    const { socket: bobSocket } = await authedSocket(t.url, app.id, bob.hashedToken);
    const { socket: carolSocket } = await authedSocket(t.url, app.id, carol.hashedToken);
    sockets.push(bobSocket, carolSocket);

    await t.gql(SEND, { r: app.lobbyId, t: 'before the ban' }, dave.headers);
    await expect(bobLive.next()).resolves.toEqual({ data: { messageAdded: { text: 'before the ban' } } });
    await expect(bobSocket.next('new_message')).resolves.toMatchObject({ text: 'before the ban' });
    await expect(carolSocket.next('new_message')).resolves.toMatchObject({ text: 'before the ban' });

    await t.gql(BAN, { r: app.lobbyId, u: bob.id, s: 600, why: 'flooding' }, app.headers);
    await expect(bobSocket.next('system_message')).resolves.toMatch(/^You were banned from this room/);
    await expect(carolSocket.next('system_message')).resolves.toMatch(new RegExp(`^${bob.uname} was banned`));
    await t.gql(SEND, { r: app.lobbyId, t: 'after the ban' }, dave.headers);
    await expect(carolSocket.next('new_message')).resolves.toMatchObject({ text: 'after the ban' });
    // The subscription ends (bob may no longer read the lobby), with nothing delivered after the ban;
    // the legacy socket stays open and quiet: 'welcome back' below is the next message it hears.
    await bobLive.completed();
    expect(bobLive.unread()).toBe(0);
    // The legacy socket's own say is refused with the protocol's FORBIDDEN and a system_message saying why.
    const [error] = await bobSocket.request('new_message', 'let me in');
    expect(error).toBe('FORBIDDEN');
    await expect(bobSocket.next('system_message')).resolves.toMatch(/banned/i);

    // A banned user's new socket gets no lobby history and no lobby traffic.
    const { socket: late, data } = await authedSocket(t.url, app.id, bob.hashedToken);
    sockets.push(late);
    expect(data.room.history).toEqual([]);
    await t.gql(SEND, { r: app.lobbyId, t: 'still banned' }, dave.headers);
    await expect(carolSocket.next('new_message')).resolves.toMatchObject({ text: 'still banned' });

    // After the unban the sockets hear the lobby again; a new subscription works.
    await t.gql(UNBAN, { r: app.lobbyId, u: bob.id }, app.headers);
    await expect(carolSocket.next('system_message')).resolves.toBe(`${bob.uname} was unbanned`);
    await t.gql(SEND, { r: app.lobbyId, t: 'welcome back' }, dave.headers);
    // The next message either socket hears: neither 'after the ban' nor 'still banned' came before it.
    await expect(bobSocket.next('new_message')).resolves.toMatchObject({ text: 'welcome back' });
    await expect(late.next('new_message')).resolves.toMatchObject({ text: 'welcome back' });
    bobLive.stop();
    await bobWs.dispose();
  });

  it('refuses a subscription from a banned user with BANNED', async () => {
    const app = await t.factories.app();
    const bob = await t.factories.user(app);
    await t.gql(BAN, { r: app.lobbyId, u: bob.id }, app.headers);
    const client = gqlWsClient(t.url, { authorization: `Bearer ${bob.token}` });
    const live = liveQueue(client, MESSAGE_ADDED, { r: app.lobbyId });
    const refused = await live.next();
    expect(refused.errors?.[0]?.extensions?.code).toBe('BANNED');
    await client.dispose();
  });

  it('records bans and unbans in the moderation log with who, whom, why and until when', async () => {
    const app = await t.factories.app();
    const mod = await t.factories.user(app, { role: UserRole.MOD });
    const bob = await t.factories.user(app);
    await t.gql(BAN, { r: app.lobbyId, u: bob.id, s: 120, why: 'rude' }, mod.headers);
    await t.gql(UNBAN, { r: app.lobbyId, u: bob.id }, app.headers);
    const log = (await t.gql(LOG, { r: app.lobbyId }, app.headers)).data!.moderationLog;
    expect(log).toEqual([
      { action: 'UNBAN', actorKind: 'APP', actor: null, target: { id: bob.id }, reason: null, details: null },
      { action: 'BAN', actorKind: 'USER', actor: { id: mod.id }, target: { id: bob.id }, reason: 'rude', details: { seconds: 120, endsAt: expect.any(String) } },
    ]);
  });
});
