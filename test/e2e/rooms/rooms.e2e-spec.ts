import { codeOf } from '../../support/clients.js';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { UserRole } from '../../../src/users/user.model.js';

const CREATE_ROOM = `mutation($input: CreateRoomInput!) { createRoom(input: $input) { id key name type status frozen meta memberCount createdAt updatedAt } }`;
const ROOM = `query($id: ID, $key: String) { room(id: $id, key: $key) { id key name type memberCount } }`;
const ADD = `mutation($r: ID!, $u: ID!, $role: MemberRole) { addMember(roomId: $r, userId: $u, role: $role) { role user { id uname } joinedAt mutedUntil lastReadMessageId } }`;
const REMOVE = `mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u) { ok reason } }`;
const MEMBERS = `query($r: ID!) { members(roomId: $r) { role user { uname } } }`;

describe.each(testDrivers())('rooms on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  it('creates a GROUP room by default, with key, status, meta and initial members', async () => {
    const app = await t.factories.app();
    const [a, b] = [await t.factories.user(app), await t.factories.user(app)];
    const created = await t.gql(CREATE_ROOM, { input: { key: 'team-1', name: 'Team', status: 'active', meta: { topic: 'x' }, memberIds: [a.id, b.id] } }, app.headers);
    expect(created.errors).toBeUndefined();
    expect(created.data!.createRoom).toMatchObject({ key: 'team-1', name: 'Team', type: 'GROUP', status: 'active', frozen: false, meta: { topic: 'x' }, memberCount: 2 });
    const byKey = await t.gql(ROOM, { key: 'team-1' }, app.headers);
    expect(byKey.data!.room).toMatchObject({ id: created.data!.createRoom.id, memberCount: 2 });
  });

  it('keeps keys unique per app and lets another app reuse them', async () => {
    const [app, other] = [await t.factories.app(), await t.factories.app()];
    await t.gql(CREATE_ROOM, { input: { key: 'dup' } }, app.headers);
    expect(codeOf(await t.gql(CREATE_ROOM, { input: { key: 'dup' } }, app.headers))).toBe('CONFLICT');
    expect(codeOf(await t.gql(CREATE_ROOM, { input: { key: 'dup' } }, other.headers))).toBeUndefined();
  });

  it.each([
    ['a DIRECT room without two members', { type: 'DIRECT', memberIds: [] }],
    ['a bad key', { key: 'has space' }],
    ['an unknown type', { type: 'SECRET' }],
    ['meta that is a list', { meta: [1] }],
    ['a non-integer member id', { memberIds: ['x'] }],
  ])('refuses %s as BAD_USER_INPUT', async (_, input) => {
    const app = await t.factories.app();
    expect(codeOf(await t.gql(CREATE_ROOM, { input }, app.headers))).toBe('BAD_USER_INPUT');
  });

  it('answers NOT_FOUND for members of another app', async () => {
    const [app, other] = [await t.factories.app(), await t.factories.app()];
    const stranger = await t.factories.user(other);
    expect(codeOf(await t.gql(CREATE_ROOM, { input: { memberIds: [stranger.id] } }, app.headers))).toBe('NOT_FOUND');
  });

  it('lists rooms with paging and filters by type, name and member', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    await t.gql(CREATE_ROOM, { input: { name: 'Red Dragons', type: 'OPEN' } }, app.headers);
    await t.gql(CREATE_ROOM, { input: { name: 'Blue 100%_club', memberIds: [alice.id] } }, app.headers);
    const all = await t.gql(`{ rooms(size: 100) { total nodes { name type } } }`, {}, app.headers);
    expect(all.data!.rooms.total).toBe(3); // with the lobby
    const open = await t.gql(`{ rooms(type: OPEN) { total } }`, {}, app.headers);
    expect(open.data!.rooms.total).toBe(2);
    const named = await t.gql(`{ rooms(nameContains: "dragon") { nodes { name } } }`, {}, app.headers);
    expect(named.data!.rooms.nodes).toEqual([{ name: 'Red Dragons' }]);
    const literal = await t.gql(`{ rooms(nameContains: "100%_") { nodes { name } } }`, {}, app.headers);
    expect(literal.data!.rooms.nodes).toEqual([{ name: 'Blue 100%_club' }]);
    const mine = await t.gql(`query($m: ID) { rooms(memberId: $m) { nodes { name } } }`, { m: alice.id }, app.headers);
    expect(mine.data!.rooms.nodes).toEqual([{ name: 'Blue 100%_club' }]);
    expect(codeOf(await t.gql(`{ rooms(size: 101) { total } }`, {}, app.headers))).toBe('BAD_USER_INPUT');
  });

  it('updates a room and its meta keys', async () => {
    const app = await t.factories.app();
    const id = (await t.gql(CREATE_ROOM, { input: { name: 'Old', meta: { a: 1, b: 2 } } }, app.headers)).data!.createRoom.id;
    const updated = await t.gql(`mutation($id: ID!) { updateRoom(id: $id, input: {name: "New", status: "archived"}) { name status meta } }`, { id }, app.headers);
    expect(updated.data!.updateRoom).toEqual({ name: 'New', status: 'archived', meta: { a: 1, b: 2 } });
    const patched = await t.gql(`mutation($id: ID!) { updateRoomMeta(id: $id, patch: {set: {c: 3}, remove: ["a"]}) { meta } }`, { id }, app.headers);
    expect(patched.data!.updateRoomMeta.meta).toEqual({ b: 2, c: 3 });
    expect(codeOf(await t.gql(`mutation($id: ID!) { updateRoom(id: $id, input: {type: DIRECT}) { id } }`, { id }, app.headers))).toBe('BAD_USER_INPUT');
  });

  it('deletes a room; a missing one is ok: false, not an error', async () => {
    const app = await t.factories.app();
    const id = (await t.gql(CREATE_ROOM, { input: {} }, app.headers)).data!.createRoom.id;
    const del = `mutation($id: ID!) { deleteRoom(id: $id) { ok reason } }`;
    await expect(t.gql(del, { id }, app.headers)).resolves.toEqual({ data: { deleteRoom: { ok: true, reason: null } } });
    await expect(t.gql(del, { id }, app.headers)).resolves.toEqual({ data: { deleteRoom: { ok: false, reason: 'Room not found' } } });
    expect(codeOf(await t.gql(ROOM, { id }, app.headers))).toBe('NOT_FOUND');
    await expect(t.gql(del, { id: app.lobbyId }, app.headers)).resolves.toEqual({ data: { deleteRoom: { ok: false, reason: 'The lobby cannot be deleted' } } });
  });

  it('adds and removes members with roles, and lists them', async () => {
    const app = await t.factories.app();
    const [a, b] = [await t.factories.user(app), await t.factories.user(app)];
    const id = (await t.gql(CREATE_ROOM, { input: {} }, app.headers)).data!.createRoom.id;
    const added = await t.gql(ADD, { r: id, u: a.id, role: 'MANAGER' }, app.headers);
    expect(added.data!.addMember).toMatchObject({ role: 'MANAGER', user: { id: a.id }, mutedUntil: null, lastReadMessageId: null });
    // a manager adds a member; a plain member may not
    expect(codeOf(await t.gql(ADD, { r: id, u: b.id }, a.headers))).toBeUndefined();
    const c = await t.factories.user(app);
    expect(codeOf(await t.gql(ADD, { r: id, u: c.id }, b.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(ADD, { r: id, u: c.id, role: 'MANAGER' }, a.headers))).toBe('FORBIDDEN');
    const listed = await t.gql(MEMBERS, { r: id }, b.headers);
    expect(listed.data!.members).toEqual([{ role: 'MANAGER', user: { uname: a.uname } }, { role: 'MEMBER', user: { uname: b.uname } }]);
    await expect(t.gql(REMOVE, { r: id, u: b.id }, app.headers)).resolves.toEqual({ data: { removeMember: { ok: true, reason: null } } });
    await expect(t.gql(REMOVE, { r: id, u: b.id }, app.headers)).resolves.toEqual({ data: { removeMember: { ok: false, reason: 'Not a member' } } });
    expect(codeOf(await t.gql(MEMBERS, { r: id }, b.headers))).toBe('FORBIDDEN');
  });

  it('lets users read GROUP rooms only as members, OPEN rooms always, and staff everywhere', async () => {
    const app = await t.factories.app();
    const [member, outsider] = [await t.factories.user(app), await t.factories.user(app)];
    const mod = await t.factories.user(app, { role: UserRole.MOD });
    const group = (await t.gql(CREATE_ROOM, { input: { memberIds: [member.id] } }, app.headers)).data!.createRoom.id;
    const open = (await t.gql(CREATE_ROOM, { input: { type: 'OPEN' } }, app.headers)).data!.createRoom.id;
    expect(codeOf(await t.gql(ROOM, { id: group }, member.headers))).toBeUndefined();
    expect(codeOf(await t.gql(ROOM, { id: group }, outsider.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(ROOM, { id: group }, mod.headers))).toBeUndefined();
    expect(codeOf(await t.gql(ROOM, { id: open }, outsider.headers))).toBeUndefined();
    expect(codeOf(await t.gql(`mutation($r: ID!) { joinRoom(roomId: $r) { role } }`, { r: group }, outsider.headers))).toBe('FORBIDDEN');
  });

  it('joins and leaves OPEN rooms; myRooms lists them with counts', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const join = `mutation($r: ID!) { joinRoom(roomId: $r) { role user { id } } }`;
    await expect(t.gql(join, { r: app.lobbyId }, alice.headers)).resolves.toEqual({ data: { joinRoom: { role: 'MEMBER', user: { id: alice.id } } } });
    await expect(t.gql(join, { r: app.lobbyId }, alice.headers)).resolves.toEqual({ data: { joinRoom: { role: 'MEMBER', user: { id: alice.id } } } });
    const mine = await t.gql(`{ myRooms { id key memberCount unreadCount lastMessage { id } } }`, {}, alice.headers);
    expect(mine.data!.myRooms).toEqual([{ id: app.lobbyId, key: 'lobby', memberCount: 1, unreadCount: 0, lastMessage: null }]);
    const leave = `mutation($r: ID!) { leaveRoom(roomId: $r) { ok reason } }`;
    await expect(t.gql(leave, { r: app.lobbyId }, alice.headers)).resolves.toEqual({ data: { leaveRoom: { ok: true, reason: null } } });
    await expect(t.gql(leave, { r: app.lobbyId }, alice.headers)).resolves.toEqual({ data: { leaveRoom: { ok: false, reason: 'Not a member' } } });
    await expect(t.gql(`{ myRooms { id } }`, {}, alice.headers)).resolves.toEqual({ data: { myRooms: [] } });
  });

  it('lists myRooms most recently active first (rooms without messages last, newest created first)', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const ids: string[] = [];
    for (const key of ['first', 'second', 'quiet', 'third']) {
      ids.push((await t.gql(CREATE_ROOM, { input: { key, memberIds: [alice.id] } }, app.headers)).data!.createRoom.id);
    }
    const send = (room: string) => t.gql(`mutation($r: ID!) { sendMessage(roomId: $r, input: { text: "hi" }) { id } }`, { r: room }, alice.headers);
    const order = async () => (await t.gql(`{ myRooms { key } }`, {}, alice.headers)).data!.myRooms.map((r: { key: string }) => r.key);
    await send(ids[0]);
    await send(ids[1]);
    expect(await order()).toEqual(['second', 'first', 'third', 'quiet']);
    await send(ids[0]);
    expect(await order()).toEqual(['first', 'second', 'third', 'quiet']);
  });

  it('opens the one DIRECT room of two users, once, even when both open it at once', async () => {
    const app = await t.factories.app();
    const [a, b, c] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const open = `mutation($u: ID!) { openDirectRoom(userId: $u) { id type memberCount } }`;
    const [fromA, fromB] = await Promise.all([t.gql(open, { u: b.id }, a.headers), t.gql(open, { u: a.id }, b.headers)]);
    expect(fromA.data!.openDirectRoom).toMatchObject({ type: 'DIRECT', memberCount: 2 });
    expect(fromB.data!.openDirectRoom.id).toBe(fromA.data!.openDirectRoom.id);
    expect(codeOf(await t.gql(ROOM, { id: fromA.data!.openDirectRoom.id }, c.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(open, { u: a.id }, a.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(ADD, { r: fromA.data!.openDirectRoom.id, u: c.id }, app.headers))).toBe('FORBIDDEN');
  });

  it('answers every operation on another app\'s rooms with NOT_FOUND, like missing ids', async () => {
    const [owner, intruder] = [await t.factories.app(), await t.factories.app()];
    const intruderUser = await t.factories.user(intruder);
    const victim = await t.factories.user(owner);
    const room = (await t.gql(CREATE_ROOM, { input: { memberIds: [victim.id] } }, owner.headers)).data!.createRoom.id;
    for (const id of [room, '999999999']) {
      for (const [query, vars, headers] of [
        [ROOM, { id }, intruder.headers], [MEMBERS, { r: id }, intruder.headers], [ADD, { r: id, u: intruderUser.id }, intruder.headers],
        [`mutation($id: ID!) { updateRoom(id: $id, input: {name: "x"}) { id } }`, { id }, intruder.headers],
        [`query($r: ID!) { messages(roomId: $r) { hasMore } }`, { r: id }, intruderUser.headers],
        [`mutation($r: ID!) { sendMessage(roomId: $r, input: {text: "x"}) { id } }`, { r: id }, intruderUser.headers],
        [`mutation($r: ID!) { joinRoom(roomId: $r) { role } }`, { r: id }, intruderUser.headers],
      ] as const) {
        expect(codeOf(await t.gql(query, vars, headers))).toBe('NOT_FOUND');
      }
      await expect(t.gql(`mutation($id: ID!) { deleteRoom(id: $id) { ok } }`, { id }, intruder.headers)).resolves.toEqual({ data: { deleteRoom: { ok: false } } });
    }
    const stillThere = await t.gql(ROOM, { id: room }, owner.headers);
    expect(stillThere.data!.room.memberCount).toBe(1);
  });
});
