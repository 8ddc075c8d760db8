import { scopeOf } from '../../../src/database/app-scope.js';
import { SanctionsCache } from '../../../src/rooms/sanctions.cache.js';
import { MutesRepository } from '../../../src/rooms/mutes.repository.js';
import { UserRole } from '../../../src/users/user.model.js';
import { startApp, TestApp } from '../../support/app.js';
import { asUser, codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

// The GraphQL side of the mutes the legacy /mute and /unmute share (SPEC, "Moderation").
const MUTE = `mutation($r: ID!, $u: ID!, $m: Int!, $why: String) { muteUser(roomId: $r, userId: $u, minutes: $m, reason: $why) { type roomId user { id } actor { id } mutedUntil reason } }`;
const UNMUTE = `mutation($r: ID!, $u: ID!) { unmuteUser(roomId: $r, userId: $u) { type user { id } actor { id } } }`;
const MUTES = `query($r: ID!) { mutes(roomId: $r) { user { id uname } minutes startsAt endsAt reason } }`;
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const ROOM = `mutation($m: [ID!]) { createRoom(input: { memberIds: $m }) { id } }`;
const ADD = `mutation($r: ID!, $u: ID!, $role: MemberRole) { addMember(roomId: $r, userId: $u, role: $role) { role } }`;
const MEMBERS = `query($r: ID!) { members(roomId: $r) { user { id } mutedUntil } }`;
const MEMBERSHIP = `subscription($r: ID!) { membershipChanged(roomId: $r) { type user { id } actor { id } mutedUntil } }`;
const JOIN = `mutation($r: ID!) { joinRoom(roomId: $r) { role } }`;

describe.each(testDrivers())('muteUser / unmuteUser / mutes over GraphQL on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  it('mutes for the app backend: MUTED with mutedUntil and reason, listed by mutes, refused at send with MUTED', async () => {
    const app = await t.factories.app();
    const bob = await t.factories.user(app);
    const before = Date.now();
    const muted = (await t.gql(MUTE, { r: app.lobbyId, u: bob.id, m: 20, why: 'spam' }, app.headers)).data!.muteUser;
    expect(muted).toMatchObject({ type: 'MUTED', roomId: app.lobbyId, user: { id: bob.id }, actor: null, reason: 'spam' });
    expect(Date.parse(muted.mutedUntil) - before).toBeGreaterThanOrEqual(20 * 60_000 - 50);
    const list = (await t.gql(MUTES, { r: app.lobbyId }, app.headers)).data!.mutes;
    expect(list).toEqual([{ user: { id: bob.id, uname: bob.uname }, minutes: 20, startsAt: expect.any(String), endsAt: muted.mutedUntil, reason: 'spam' }]);
    const refused = await t.gql(SEND, { r: app.lobbyId, t: 'hi' }, bob.headers);
    expect(codeOf(refused)).toBe('MUTED');
    expect(refused.errors![0].extensions!.mutedUntil).toBe(muted.mutedUntil);
    const again = (await t.gql(MUTE, { r: app.lobbyId, u: bob.id, m: 5 }, app.headers)).data!.muteUser; // a re-mute replaces
    expect((await t.gql(MUTES, { r: app.lobbyId }, app.headers)).data!.mutes).toEqual([expect.objectContaining({ minutes: 5, endsAt: again.mutedUntil })]);
    expect((await t.gql(UNMUTE, { r: app.lobbyId, u: bob.id }, app.headers)).data!.unmuteUser).toEqual({ type: 'UNMUTED', user: { id: bob.id }, actor: null });
    expect(codeOf(await t.gql(SEND, { r: app.lobbyId, t: 'hi' }, bob.headers))).toBeUndefined();
    const second = await t.gql(UNMUTE, { r: app.lobbyId, u: bob.id }, app.headers);
    expect(codeOf(second)).toBe('NOT_FOUND');
    expect(second.errors![0].message).toBe('User not in mutelist');
  });

  it('follows who may mute whom: staff over lower roles, managers over plain members, never a plain member', async () => {
    const app = await t.factories.app();
    const [member, member2, mod, mod2, admin, owner] = [
      await t.factories.user(app), await t.factories.user(app), await t.factories.user(app, { role: UserRole.MOD }),
      await t.factories.user(app, { role: UserRole.MOD }), await t.factories.user(app, { role: UserRole.ADMIN }), await t.factories.user(app, { role: UserRole.OWNER }),
    ];
    const manager = await t.factories.user(app);
    const room = (await t.gql(ROOM, { m: [member.id, member2.id] }, app.headers)).data!.createRoom.id;
    expect(codeOf(await t.gql(ADD, { r: room, u: manager.id, role: 'MANAGER' }, app.headers))).toBeUndefined();
    const cases: [string, { id: string; token: string }, { id: string }, string | undefined][] = [
      ['member on member', member, member2, 'FORBIDDEN'],
      ['mod on member', mod, member, undefined],
      ['mod on mod', mod, mod2, 'FORBIDDEN'],
      ['mod on admin', mod, admin, 'FORBIDDEN'],
      ['admin on mod', admin, mod, undefined],
      ['owner on admin', owner, admin, undefined],
      ['owner on owner (self)', owner, owner, 'FORBIDDEN'],
      ['manager on member', manager, member2, undefined],
      ['manager on mod', manager, mod, 'FORBIDDEN'],
    ];
    for (const [name, caller, target, expected] of cases) {
      const result = await t.gql(MUTE, { r: room, u: target.id, m: 1 }, asUser(caller.token));
      expect([name, codeOf(result)]).toEqual([name, expected]);
      if (!expected) expect(result.data!.muteUser.actor).toEqual({ id: caller.id });
    }
    expect(codeOf(await t.gql(MUTES, { r: room }, asUser(member.token)))).toBe('FORBIDDEN');
    expect((await t.gql(MUTES, { r: room }, asUser(manager.token))).data!.mutes.map((m: any) => m.user.uname).sort())
      .toEqual([member.uname, member2.uname, mod.uname, admin.uname].sort());
    const members = (await t.gql(MEMBERS, { r: room }, app.headers)).data!.members;
    expect(members.find((m: any) => m.user.id === member2.id).mutedUntil).toEqual(expect.any(String));
    expect(members.find((m: any) => m.user.id === manager.id).mutedUntil).toBeNull();
  });

  it.each([0, -5, 525_601])('refuses %s minutes as BAD_USER_INPUT', async (minutes) => {
    const app = await t.factories.app();
    const bob = await t.factories.user(app);
    expect(codeOf(await t.gql(MUTE, { r: app.lobbyId, u: bob.id, m: minutes }, app.headers))).toBe('BAD_USER_INPUT');
  });

  it('answers NOT_FOUND for another app\'s room or user, exactly as for ids that do not exist', async () => {
    const a = await t.factories.app();
    const b = await t.factories.app();
    const alice = await t.factories.user(a);
    const bob = await t.factories.user(b);
    for (const [room, user] of [[a.lobbyId, bob.id], [b.lobbyId, alice.id], ['999999999', alice.id], [a.lobbyId, '999999999']]) {
      expect(codeOf(await t.gql(MUTE, { r: room, u: user, m: 5 }, a.headers))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(UNMUTE, { r: room, u: user }, a.headers))).toBe('NOT_FOUND');
    }
    expect(codeOf(await t.gql(MUTES, { r: b.lobbyId }, a.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(MUTE, { r: 'x', u: alice.id, m: 5 }, a.headers))).toBe('BAD_USER_INPUT');
  });

  it('announces MUTED and, when the mute ends by itself, UNMUTED without an actor to membershipChanged subscribers', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const bob = await t.factories.user(app);
    const ws = gqlWsClient(t.url, { authorization: `Bearer ${alice.token}` });
    try {
      const changes = liveQueue(ws, MEMBERSHIP, { r: app.lobbyId });
      await untilLive([changes], async () => { // a newcomer per probe: its JOINED carries its id
        const newcomer = await t.factories.user(app);
        await t.gql(JOIN, { r: app.lobbyId }, newcomer.headers);
        return newcomer.id;
      });
      await t.gql(MUTE, { r: app.lobbyId, u: bob.id, m: 1 }, app.headers);
      await expect(changes.next()).resolves.toMatchObject({ data: { membershipChanged: { type: 'MUTED', user: { id: bob.id }, actor: null } } });
      await t.server.app.get(MutesRepository).setEndsAt(scopeOf(app.id), app.lobbyId, bob.id, new Date(Date.now() - 10));
      t.server.app.get(SanctionsCache).forget(scopeOf(app.id), app.lobbyId);
      expect(codeOf(await t.gql(SEND, { r: app.lobbyId, t: 'ended at its time' }, bob.headers))).toBeUndefined();
      await expect(changes.next(4000)).resolves.toEqual({ data: { membershipChanged: { type: 'UNMUTED', user: { id: bob.id }, actor: null, mutedUntil: null } } });
      await expect(t.gql(MUTES, { r: app.lobbyId }, app.headers)).resolves.toEqual({ data: { mutes: [] } });
      changes.stop();
    } finally {
      await ws.dispose();
    }
  });
});
