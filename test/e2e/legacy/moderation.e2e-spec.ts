import { MutesRepository } from '../../../src/rooms/mutes.repository.js';
import { scopeOf } from '../../../src/database/app-scope.js';
import { UserRole } from '../../../src/users/user.model.js';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant } from '../../support/factories.js';
import { roomChannel, userChannel } from '../../../src/legacy/legacy-protocol.js';
import { authedSocket, LegacyClient, legacySocket, socketsIn } from '../../support/legacy.js';
import { waitFor } from '../../support/wait.js';
import { gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id text } }`;
const MUTE = `mutation($r: ID!, $u: ID!, $m: Int!) { muteUser(roomId: $r, userId: $u, minutes: $m) { type mutedUntil user { uname } } }`;
const MUTES = `query($r: ID!) { mutes(roomId: $r) { user { uname } minutes } }`;
const MESSAGE_ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { id text author { uname } } }`;
const MEMBERSHIP = `subscription($r: ID!) { membershipChanged(roomId: $r) { type user { uname } actor { uname } mutedUntil } }`;
const JOIN = `mutation($r: ID!) { joinRoom(roomId: $r) { role } }`;

describe.each(testDrivers())('legacy moderation, presence and interop on %s', (driver) => {
  let t: TestApp;
  const open: LegacyClient[] = [];
  const connect = async (app: TestAppTenant, hashedToken?: string) => {
    const { socket, data } = await authedSocket(t.url, app.id, hashedToken);
    open.push(socket);
    return { socket, data };
  };
  const endMuteNow = (app: TestAppTenant, userId: string) =>
    t.server.app.get(MutesRepository).setEndsAt(scopeOf(app.id), app.lobbyId, userId, new Date(Date.now() - 1000));
  beforeAll(async () => { t = await startApp(driver); });
  afterEach(() => { for (const s of open.splice(0)) s.close(); });
  afterAll(() => t.close());

  it.each([UserRole.MOD, UserRole.ADMIN, UserRole.OWNER])('lets a %s /mute and /unmute, with system_messages back and user_muted/user_unmuted to all', async (role) => {
    const app = await t.factories.app();
    const staff = await t.factories.user(app, { role });
    const bob = await t.factories.user(app);
    const { socket: s } = await connect(app, staff.hashedToken);
    const { socket: b } = await connect(app, bob.hashedToken);
    const { socket: watcher } = await connect(app);
    await expect(s.request('new_message', `/mute ${bob.uname} 10`)).resolves.toEqual([]);
    await expect(s.next('system_message')).resolves.toBe(`${bob.uname} was muted for 10 min`);
    for (const x of [s, b, watcher]) {
      const muted = await x.next('user_muted');
      expect(muted).toEqual({ uname: bob.uname, mins: 10, expires_at: expect.any(String) });
      expect(Math.abs(Date.parse(muted.expires_at) - Date.now() - 600_000)).toBeLessThan(5000);
    }
    await expect(b.request('new_message', 'let me speak')).resolves.toEqual(['MUTED']);
    await expect(b.next('system_message')).resolves.toMatch(/^You are muted until /);
    await expect(s.request('new_message', `/unmute ${bob.uname.toUpperCase()}`)).resolves.toEqual([]);
    await expect(s.next('system_message')).resolves.toBe(`${bob.uname} was unmuted`);
    for (const x of [s, b, watcher]) await expect(x.next('user_unmuted')).resolves.toEqual({ uname: bob.uname });
    await expect(s.request('new_message', `/unmute ${bob.uname}`)).resolves.toEqual([]);
    await expect(s.next('system_message')).resolves.toBe('User not in mutelist');
    await expect(b.request('new_message', 'free again')).resolves.toEqual([]);
    // The next message anyone hears is this one: neither the refused one nor the commands were broadcast.
    await expect(watcher.next('new_message')).resolves.toMatchObject({ text: 'free again' });
    await expect(s.next('new_message')).resolves.toMatchObject({ text: 'free again' });
    expect(s.received.new_message.map((m) => m.text)).toEqual(['free again']);
  });

  it('refuses /mute and /unmute from a plain member with a system_message, and broadcasts nothing', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const bob = await t.factories.user(app);
    const { socket: a } = await connect(app, alice.hashedToken);
    const { socket: b } = await connect(app, bob.hashedToken);
    await expect(a.request('new_message', `/mute ${bob.uname} 10`)).resolves.toEqual([]);
    await expect(a.next('system_message')).resolves.toMatch(/manager|staff/);
    await expect(a.request('new_message', `/unmute ${bob.uname}`)).resolves.toEqual([]);
    await expect(a.next('system_message')).resolves.toMatch(/manager|staff/);
    await expect(t.gql(MUTES, { r: app.lobbyId }, app.headers)).resolves.toEqual({ data: { mutes: [] } });
    // A later message is the next thing b hears: no command was broadcast, and no user_muted came before it.
    await expect(a.request('new_message', 'a later marker')).resolves.toEqual([]);
    await expect(b.next('new_message')).resolves.toMatchObject({ text: 'a later marker' });
    expect(b.unread('user_muted')).toBe(0);
  });

  it.each([
    ['/mute foo 10x', /whole number/],
    ['/mute foo', /Usage: \/mute/],
    ['/mute', /Usage: \/mute/],
    ['/mute a b c', /Usage: \/mute/],
    ['/unmute', /Usage: \/unmute/],
    ['/unmute a b', /Usage: \/unmute/],
    ['/mute nobody-here 5', /not found/],
    ['/mute {uname} 0', /1 to 525600/],
    ['/mute {uname} 9999999', /1 to 525600/],
  ])('answers "%s" from a mod with a system_message, without crashing', async (command, reply) => {
    const app = await t.factories.app();
    const mod = await t.factories.user(app, { role: UserRole.MOD });
    const bob = await t.factories.user(app);
    const { socket: s } = await connect(app, mod.hashedToken);
    await expect(s.request('new_message', command.replace('{uname}', bob.uname))).resolves.toEqual([]);
    await expect(s.next('system_message')).resolves.toMatch(reply);
    await expect(s.request('new_message', 'server still here')).resolves.toEqual([]);
    // It comes back as the next message, and no user_muted came before it.
    await expect(s.next('new_message')).resolves.toMatchObject({ text: 'server still here' });
    expect(s.unread('user_muted')).toBe(0);
  });

  it('does not let a mod mute a mod or an admin; mods are never held by a mute', async () => {
    const app = await t.factories.app();
    const mod = await t.factories.user(app, { role: UserRole.MOD });
    const otherMod = await t.factories.user(app, { role: UserRole.MOD });
    const admin = await t.factories.user(app, { role: UserRole.ADMIN });
    const { socket: s } = await connect(app, mod.hashedToken);
    for (const target of [otherMod, admin]) {
      await expect(s.request('new_message', `/mute ${target.uname} 5`)).resolves.toEqual([]);
      await expect(s.next('system_message')).resolves.toMatch(/higher/);
    }
    expect(codeOf(await t.gql(MUTE, { r: app.lobbyId, u: otherMod.id, m: 5 }, app.headers))).toBeUndefined();
    const { socket: o } = await connect(app, otherMod.hashedToken);
    await expect(o.request('new_message', 'mods talk through mutes')).resolves.toEqual([]);
    await expect(s.next('new_message')).resolves.toMatchObject({ text: 'mods talk through mutes' });
  });

  it('ends a mute on time: user_unmuted goes out, the mutelist empties, and the user may send', async () => {
    const app = await t.factories.app();
    const bob = await t.factories.user(app);
    const carol = await t.factories.user(app);
    const { socket: b } = await connect(app, bob.hashedToken);
    const { socket: watcher } = await connect(app);
    expect(codeOf(await t.gql(MUTE, { r: app.lobbyId, u: bob.id, m: 1 }, app.headers))).toBeUndefined();
    await expect(watcher.next('user_muted')).resolves.toMatchObject({ uname: bob.uname, mins: 1 });
    expect(codeOf(await t.gql(MUTE, { r: app.lobbyId, u: carol.id, m: 1 }, app.headers))).toBeUndefined();
    await expect(watcher.next('user_muted')).resolves.toMatchObject({ uname: carol.uname, mins: 1 });
    await expect(b.request('new_message', 'muted')).resolves.toEqual(['MUTED']);
    expect(await endMuteNow(app, bob.id)).toBe(1);
    await expect(watcher.next('user_unmuted', 4000)).resolves.toEqual({ uname: bob.uname });
    await expect(b.next('user_unmuted')).resolves.toEqual({ uname: bob.uname });
    // Announced once: carol's mute, ended later, is the next end announced. A sweep that kept
    // bob's row would find it again first (expired mutes are swept in order of their end).
    expect(await endMuteNow(app, carol.id)).toBe(1);
    await expect(watcher.next('user_unmuted', 4000)).resolves.toEqual({ uname: carol.uname });
    await expect(b.request('new_message', 'I can talk')).resolves.toEqual([]);
    const { data } = await connect(app);
    expect(data.room.muteList).toEqual({});
  });

  it('counts many tabs as one presence: user_joined once, user_left only after the last tab', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app, { role: UserRole.ADMIN });
    const { socket: watcher } = await connect(app);
    const { socket: tab1, data } = await connect(app, alice.hashedToken);
    expect(data.room.users).toEqual({ [alice.uname]: { id: Number(alice.id), uname: alice.uname, role: 'admin' } });
    const joined = { uname: alice.uname, role: 'admin', id: Number(alice.id) };
    await expect(watcher.next('user_joined')).resolves.toEqual(joined);
    const { socket: tab2 } = await connect(app, alice.hashedToken);
    // Each marker is another user coming (or going) after the step under test: presence is counted
    // and announced before auth is answered, and a close once the server took it in (socketsIn).
    const markerComes = async () => {
      const marker = await t.factories.user(app);
      const { socket } = await connect(app, marker.hashedToken);
      return { uname: marker.uname, socket };
    };
    const second = await markerComes();
    await expect(watcher.next('user_joined')).resolves.toMatchObject({ uname: second.uname }); // not alice again
    await expect(tab1.next('user_joined')).resolves.toMatchObject({ uname: second.uname }); // not told of itself
    tab1.close();
    await waitFor('the server to take in tab1\'s close', () => socketsIn(t, userChannel(app.id, alice.id)), (n) => n === 1);
    second.socket.close();
    await expect(watcher.next('user_left')).resolves.toMatchObject({ uname: second.uname }); // alice is still here
    tab2.close();
    await expect(watcher.next('user_left')).resolves.toEqual(joined);
    const lobby = roomChannel(app.id, app.lobbyId);
    const before = await socketsIn(t, lobby);
    const anon = await legacySocket(t.url);
    open.push(anon);
    await anon.auth({ app_id: Number(app.id) });
    anon.close();
    await waitFor('the server to take in the anonymous socket\'s close', () => socketsIn(t, lobby), (n) => n === before);
    const third = await markerComes();
    third.socket.close();
    // Anonymous sockets are not users: the next arrival and departure are the marker's.
    await expect(watcher.next('user_joined')).resolves.toMatchObject({ uname: third.uname });
    await expect(watcher.next('user_left')).resolves.toMatchObject({ uname: third.uname });
  });

  it('is one system with GraphQL: messages both ways, and a GraphQL mute reaches the socket as user_muted', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const bob = await t.factories.user(app);
    const ws = gqlWsClient(t.url, { authorization: `Bearer ${alice.token}` });
    try {
      const added = liveQueue(ws, MESSAGE_ADDED, { r: app.lobbyId });
      const changes = liveQueue(ws, MEMBERSHIP, { r: app.lobbyId });
      await untilLive([added, changes], async () => { // a newcomer per probe joins and speaks: both carry its uname
        const newcomer = await t.factories.user(app);
        await t.gql(JOIN, { r: app.lobbyId }, newcomer.headers);
        await t.gql(SEND, { r: app.lobbyId, t: 'probe' }, newcomer.headers);
        return newcomer.uname;
      });
      const { socket: b } = await connect(app, bob.hashedToken);
      const viaGraphql = (await t.gql(SEND, { r: app.lobbyId, t: 'from graphql' }, alice.headers)).data!.sendMessage;
      await expect(b.next('new_message')).resolves.toEqual({ id: Number(viaGraphql.id), user: { uname: alice.uname, role: 'member' }, text: 'from graphql' });
      await expect(added.next()).resolves.toMatchObject({ data: { messageAdded: { id: viaGraphql.id, text: 'from graphql' } } });
      await expect(b.request('new_message', 'from the socket')).resolves.toEqual([]);
      const viaSocket = await b.next('new_message');
      await expect(added.next()).resolves.toEqual({ data: { messageAdded: { id: String(viaSocket.id), text: 'from the socket', author: { uname: bob.uname } } } });
      const muted = await t.gql(MUTE, { r: app.lobbyId, u: bob.id, m: 15 }, app.headers);
      await expect(b.next('user_muted')).resolves.toEqual({ uname: bob.uname, mins: 15, expires_at: muted.data!.muteUser.mutedUntil });
      await expect(changes.next()).resolves.toMatchObject({ data: { membershipChanged: { type: 'MUTED', user: { uname: bob.uname }, actor: null } } });
      await expect(b.request('new_message', 'muted now')).resolves.toEqual(['MUTED']);
      await t.gql(SEND, { r: app.lobbyId, t: 'a later marker' }, alice.headers); // the refused one never came before it
      await expect(added.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'a later marker' } } });
      added.stop();
      changes.stop();
    } finally {
      await ws.dispose();
    }
  });

  it('shows a mute done on the socket to GraphQL subscribers as MUTED with the actor', async () => {
    const app = await t.factories.app();
    const owner = await t.factories.user(app, { role: UserRole.OWNER });
    const bob = await t.factories.user(app);
    const ws = gqlWsClient(t.url, { authorization: `Bearer ${bob.token}` });
    try {
      const changes = liveQueue(ws, MEMBERSHIP, { r: app.lobbyId });
      await untilLive([changes], async () => { // a newcomer per probe: its JOINED carries its uname
        const newcomer = await t.factories.user(app);
        await t.gql(JOIN, { r: app.lobbyId }, newcomer.headers);
        return newcomer.uname;
      });
      const { socket: s } = await connect(app, owner.hashedToken);
      await s.request('new_message', `/mute ${bob.uname} 3`);
      await expect(changes.next()).resolves.toMatchObject({ data: { membershipChanged: { type: 'MUTED', user: { uname: bob.uname }, actor: { uname: owner.uname } } } });
      expect(codeOf(await t.gql(SEND, { r: app.lobbyId, t: 'x' }, bob.headers))).toBe('MUTED');
      changes.stop();
    } finally {
      await ws.dispose();
    }
  });
});
