import { UserRole } from '../../../src/users/user.model.js';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

// App roles, room managers, freezing and the moderation log (issue "Moderation").
const SET_ROLE = `mutation($u: ID!, $role: UserRole!) { setUserRole(userId: $u, role: $role) { id role } }`;
const ME = `{ me { role } }`;
const MUTE = `mutation($r: ID!, $u: ID!) { muteUser(roomId: $r, userId: $u, minutes: 5) { type } }`;
const REGISTER = `mutation($r: ID!, $u: ID!) { registerManager(roomId: $r, userId: $u) { user { id } role } }`;
const UNREGISTER = `mutation($r: ID!, $u: ID!) { deleteManager(roomId: $r, userId: $u) { user { id } role } }`;
const MANAGERS = `query($r: ID!) { managers(roomId: $r) { user { id } role } }`;
const FREEZE = `mutation($r: ID!, $f: Boolean!) { freezeRoom(roomId: $r, frozen: $f) { id frozen } }`;
const ROOM = `mutation($m: [ID!], $type: RoomType) { createRoom(input: { memberIds: $m, type: $type }) { id frozen } }`;
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const MEMBERSHIP = `subscription($r: ID!) { membershipChanged(roomId: $r) { type user { id } actor { id } } }`;
const MY_EVENTS = `subscription { myEvents { type roomId room { frozen } } }`;
const LOG = `query($r: ID, $limit: Int, $before: ID) { moderationLog(roomId: $r, limit: $limit, before: $before) { id action actorKind actor { id } target { id } details } }`;

const ADD = `mutation($r: ID!, $u: ID!) { addMember(roomId: $r, userId: $u) { role } }`;

describe.each(testDrivers())('roles, managers, freeze and the moderation log on %s', (driver) => {
  let t: TestApp;
  const sockets: LegacyClient[] = [];
  beforeAll(async () => { t = await startApp(driver); });
  afterEach(() => { for (const s of sockets.splice(0)) s.close(); });
  afterAll(() => t.close());

  const staffOf = async (app: TestAppTenant) => ({
    member: await t.factories.user(app), member2: await t.factories.user(app),
    mod: await t.factories.user(app, { role: UserRole.MOD }), mod2: await t.factories.user(app, { role: UserRole.MOD }),
    admin: await t.factories.user(app, { role: UserRole.ADMIN }), admin2: await t.factories.user(app, { role: UserRole.ADMIN }),
    owner: await t.factories.user(app, { role: UserRole.OWNER }),
  });

  describe('setUserRole', () => {
    it('lets the app backend set any role, and the new role takes effect at once', async () => {
      const app = await t.factories.app();
      const { member, member2 } = await staffOf(app);
      for (const role of ['MOD', 'ADMIN', 'OWNER', 'MEMBER']) {
        expect((await t.gql(SET_ROLE, { u: member.id, role }, app.headers)).data!.setUserRole).toEqual({ id: member.id, role });
        expect((await t.gql(ME, {}, member.headers)).data!.me.role).toBe(role);
      }
      expect(codeOf(await t.gql(MUTE, { r: app.lobbyId, u: member2.id }, member.headers))).toBe('FORBIDDEN');
      await t.gql(SET_ROLE, { u: member.id, role: 'MOD' }, app.headers);
      expect(codeOf(await t.gql(MUTE, { r: app.lobbyId, u: member2.id }, member.headers))).toBeUndefined();
    });

    it('follows the rank rules for users: admins and owners give roles below their own, to users below their own', async () => {
      const app = await t.factories.app();
      const u = await staffOf(app);
      const cases: [string, TestUser, TestUser, string, string | undefined][] = [
        ['member promotes a member', u.member, u.member2, 'MOD', 'FORBIDDEN'],
        ['mod promotes a member', u.mod, u.member, 'MOD', 'FORBIDDEN'],
        ['admin makes a member mod', u.admin, u.member, 'MOD', undefined],
        ['admin makes a member admin', u.admin, u.member2, 'ADMIN', 'FORBIDDEN'],
        ['admin demotes a mod', u.admin, u.mod2, 'MEMBER', undefined],
        ['admin demotes an admin', u.admin, u.admin2, 'MEMBER', 'FORBIDDEN'],
        ['admin changes itself', u.admin, u.admin, 'MEMBER', 'FORBIDDEN'],
        ['owner makes an admin', u.owner, u.member2, 'ADMIN', undefined],
        ['owner makes an owner', u.owner, u.mod, 'OWNER', 'FORBIDDEN'],
        ['owner demotes an admin', u.owner, u.admin2, 'MOD', undefined],
      ];
      for (const [name, caller, target, role, code] of cases) {
        const result = await t.gql(SET_ROLE, { u: target.id, role }, caller.headers);
        expect([name, codeOf(result)]).toEqual([name, code]);
        if (!code) expect([name, result.data!.setUserRole.role]).toEqual([name, role]);
      }
    });

    it('refuses an unknown role as BAD_USER_INPUT and an unknown user as NOT_FOUND', async () => {
      const app = await t.factories.app();
      const bob = await t.factories.user(app);
      expect(codeOf(await t.gql(SET_ROLE, { u: bob.id, role: 'GOD' }, app.headers))).toBe('BAD_USER_INPUT');
      expect(codeOf(await t.gql(SET_ROLE, { u: '999999999', role: 'MOD' }, app.headers))).toBe('NOT_FOUND');
      const other = await t.factories.app();
      expect(codeOf(await t.gql(SET_ROLE, { u: bob.id, role: 'MOD' }, other.headers))).toBe('NOT_FOUND');
      expect((await t.gql(ME, {}, bob.headers)).data!.me.role).toBe('MEMBER');
    });
  });

  describe('registerManager / deleteManager / managers', () => {
    it('lets the app backend, staff and managers appoint managers; plain members may not', async () => {
      const app = await t.factories.app();
      const u = await staffOf(app);
      const [carol, dave] = [await t.factories.user(app), await t.factories.user(app)];
      const room = (await t.gql(ROOM, { m: [u.member.id, u.member2.id, carol.id, dave.id] }, app.headers)).data!.createRoom.id;
      expect(codeOf(await t.gql(REGISTER, { r: room, u: u.member2.id }, u.member.headers))).toBe('FORBIDDEN');
      expect((await t.gql(REGISTER, { r: room, u: carol.id }, app.headers)).data!.registerManager).toEqual({ user: { id: carol.id }, role: 'MANAGER' });
      expect(codeOf(await t.gql(REGISTER, { r: room, u: dave.id }, carol.headers))).toBeUndefined(); // a manager appoints another
      expect(codeOf(await t.gql(REGISTER, { r: room, u: u.member2.id }, u.mod.headers))).toBeUndefined();
      expect(codeOf(await t.gql(REGISTER, { r: room, u: u.mod2.id }, u.mod.headers))).toBe('FORBIDDEN'); // staff of equal rank
      expect(codeOf(await t.gql(REGISTER, { r: room, u: u.mod2.id }, u.admin.headers))).toBeUndefined();
      const managers = (await t.gql(MANAGERS, { r: room }, u.member.headers)).data!.managers.map((m: { user: { id: string } }) => m.user.id);
      expect(managers.sort()).toEqual([carol.id, dave.id, u.member2.id, u.mod2.id].sort());
      // A manager may write to managers-only places: muting a plain member works now for dave.
      expect(codeOf(await t.gql(MUTE, { r: room, u: u.member.id }, dave.headers))).toBeUndefined();
      expect((await t.gql(UNREGISTER, { r: room, u: dave.id }, carol.headers)).data!.deleteManager).toEqual({ user: { id: dave.id }, role: 'MEMBER' });
      expect(codeOf(await t.gql(MUTE, { r: room, u: carol.id }, dave.headers))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(UNREGISTER, { r: room, u: dave.id }, app.headers))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(UNREGISTER, { r: room, u: carol.id }, u.member.headers))).toBe('FORBIDDEN');
    });

    it('announces JOINED or ROLE_CHANGED with the actor to membershipChanged subscribers', async () => {
      const app = await t.factories.app();
      const [bob, carol, watcher] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
      const room = (await t.gql(ROOM, { m: [bob.id, watcher.id] }, app.headers)).data!.createRoom.id;
      const client = gqlWsClient(t.url, { authorization: `Bearer ${watcher.token}` });
      const changes = liveQueue(client, MEMBERSHIP, { r: room });
      await untilLive([changes], async () => { // a newcomer per probe: its JOINED carries its id
        const newcomer = await t.factories.user(app);
        await t.gql(ADD, { r: room, u: newcomer.id }, app.headers);
        return newcomer.id;
      });
      await t.gql(REGISTER, { r: room, u: bob.id }, app.headers);
      await expect(changes.next()).resolves.toEqual({ data: { membershipChanged: { type: 'ROLE_CHANGED', user: { id: bob.id }, actor: null } } });
      await t.gql(REGISTER, { r: room, u: carol.id }, bob.headers); // not a member yet: joins as manager
      await expect(changes.next()).resolves.toEqual({ data: { membershipChanged: { type: 'JOINED', user: { id: carol.id }, actor: { id: bob.id } } } });
      await t.gql(REGISTER, { r: room, u: carol.id }, app.headers); // already one: no event
      await t.gql(UNREGISTER, { r: room, u: carol.id }, app.headers);
      await expect(changes.next()).resolves.toEqual({ data: { membershipChanged: { type: 'ROLE_CHANGED', user: { id: carol.id }, actor: null } } });
      changes.stop();
      await client.dispose();
    });

    it('refuses managers in a DIRECT room, and reading the managers of a room one may not read', async () => {
      const app = await t.factories.app();
      const [bob, carol, eve] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
      const direct = (await t.gql(ROOM, { m: [bob.id, carol.id], type: 'DIRECT' }, app.headers)).data!.createRoom.id;
      expect(codeOf(await t.gql(REGISTER, { r: direct, u: bob.id }, app.headers))).toBe('BAD_USER_INPUT');
      const group = (await t.gql(ROOM, { m: [bob.id] }, app.headers)).data!.createRoom.id;
      expect(codeOf(await t.gql(MANAGERS, { r: group }, eve.headers))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(MANAGERS, { r: '999999999' }, app.headers))).toBe('NOT_FOUND');
    });
  });

  describe('freezeRoom', () => {
    it('lets only managers, staff and the app backend write while frozen, and reopens on unfreeze', async () => {
      const app = await t.factories.app();
      const u = await staffOf(app);
      const manager = await t.factories.user(app);
      const room = (await t.gql(ROOM, { m: [u.member.id, u.member2.id] }, app.headers)).data!.createRoom.id;
      await t.gql(REGISTER, { r: room, u: manager.id }, app.headers);
      expect(codeOf(await t.gql(FREEZE, { r: room, f: true }, u.member.headers))).toBe('FORBIDDEN');
      expect((await t.gql(FREEZE, { r: room, f: true }, manager.headers)).data!.freezeRoom).toEqual({ id: room, frozen: true });
      const refused = await t.gql(SEND, { r: room, t: 'hello?' }, u.member.headers);
      expect(codeOf(refused)).toBe('ROOM_FROZEN');
      for (const writer of [manager, u.mod, u.admin, u.owner, app]) expect(codeOf(await t.gql(SEND, { r: room, t: 'announcement' }, writer.headers))).toBeUndefined();
      expect((await t.gql(FREEZE, { r: room, f: false }, u.mod.headers)).data!.freezeRoom.frozen).toBe(false);
      expect(codeOf(await t.gql(SEND, { r: room, t: 'thawed' }, u.member.headers))).toBeUndefined();
    });

    it('announces freeze and unfreeze to GraphQL members and to legacy sockets, whose sends it refuses', async () => {
      const app = await t.factories.app();
      const [bob, carol] = [await t.factories.user(app), await t.factories.user(app)];
      await t.gql(`mutation($r: ID!) { joinRoom(roomId: $r) { role } }`, { r: app.lobbyId }, carol.headers);
      const client = gqlWsClient(t.url, { authorization: `Bearer ${carol.token}` });
      const mine = liveQueue(client, MY_EVENTS);
      const { socket } = await authedSocket(t.url, app.id, bob.hashedToken);
      sockets.push(socket);
      // A room per probe: carol's JOINED in it carries its id. The socket is in the lobby once its auth is answered.
      await untilLive([mine], async () => (await t.gql(ROOM, { m: [carol.id] }, app.headers)).data!.createRoom.id as string);
      await t.gql(FREEZE, { r: app.lobbyId, f: true }, app.headers);
      await expect(mine.next()).resolves.toEqual({ data: { myEvents: { type: 'ROOM_UPDATED', roomId: app.lobbyId, room: { frozen: true } } } });
      await expect(socket.next('system_message')).resolves.toBe('The chat was frozen: only moderators may write');
      const [error] = await socket.request('new_message', 'anyone?');
      expect(error).toBe('FORBIDDEN');
      await expect(socket.next('system_message')).resolves.toMatch(/frozen/i);
      await t.gql(FREEZE, { r: app.lobbyId, f: false }, app.headers);
      await expect(mine.next()).resolves.toEqual({ data: { myEvents: { type: 'ROOM_UPDATED', roomId: app.lobbyId, room: { frozen: false } } } });
      await expect(socket.next('system_message')).resolves.toBe('The chat is open again');
      await expect(socket.request('new_message', 'open again')).resolves.toEqual([]);
      mine.stop();
      await client.dispose();
    });
  });

  describe('moderationLog', () => {
    it('lists a room\'s actions newest first with paging, and the app-wide role changes without a room', async () => {
      const app = await t.factories.app();
      const u = await staffOf(app);
      await t.gql(MUTE, { r: app.lobbyId, u: u.member.id }, u.mod.headers);
      await t.gql(FREEZE, { r: app.lobbyId, f: true }, app.headers);
      await t.gql(FREEZE, { r: app.lobbyId, f: false }, u.admin.headers);
      await t.gql(SET_ROLE, { u: u.member2.id, role: 'MOD' }, u.owner.headers);
      const all = (await t.gql(LOG, { r: app.lobbyId }, app.headers)).data!.moderationLog;
      expect(all.map((e: { action: string }) => e.action)).toEqual(['UNFREEZE', 'FREEZE', 'MUTE']);
      expect(all[2]).toMatchObject({ actorKind: 'USER', actor: { id: u.mod.id }, target: { id: u.member.id }, details: { minutes: 5 } });
      expect(all[1]).toMatchObject({ actorKind: 'APP', actor: null, target: null });
      const firstPage = (await t.gql(LOG, { r: app.lobbyId, limit: 2 }, app.headers)).data!.moderationLog;
      expect(firstPage.map((e: { id: string }) => e.id)).toEqual([all[0].id, all[1].id]);
      const nextPage = (await t.gql(LOG, { r: app.lobbyId, limit: 2, before: all[1].id }, app.headers)).data!.moderationLog;
      expect(nextPage.map((e: { id: string }) => e.id)).toEqual([all[2].id]);
      const appWide = (await t.gql(LOG, {}, u.mod.headers)).data!.moderationLog;
      expect(appWide).toEqual([expect.objectContaining({ action: 'SET_ROLE', actor: { id: u.owner.id }, target: { id: u.member2.id }, details: { from: 'MEMBER', to: 'MOD' } })]);
    });

    it('is for the app backend and staff only, with limits checked and apps kept apart', async () => {
      const app = await t.factories.app();
      const u = await staffOf(app);
      const manager = await t.factories.user(app);
      await t.gql(REGISTER, { r: app.lobbyId, u: manager.id }, app.headers);
      await t.gql(MUTE, { r: app.lobbyId, u: u.member.id }, app.headers);
      expect(codeOf(await t.gql(LOG, { r: app.lobbyId }, u.member.headers))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(LOG, { r: app.lobbyId }, manager.headers))).toBe('FORBIDDEN');
      expect((await t.gql(LOG, { r: app.lobbyId }, u.mod.headers)).data!.moderationLog.length).toBeGreaterThan(0);
      for (const limit of [0, 101, -1]) expect(codeOf(await t.gql(LOG, { r: app.lobbyId, limit }, app.headers))).toBe('BAD_USER_INPUT');
      const other = await t.factories.app();
      expect(codeOf(await t.gql(LOG, { r: app.lobbyId }, other.headers))).toBe('NOT_FOUND');
      expect((await t.gql(LOG, {}, other.headers)).data!.moderationLog).toEqual([]);
    });
  });
});
