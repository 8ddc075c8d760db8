import { UserRole } from '../../../src/users/user.model.js';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf, Headers } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

// Reports (issue 5, gitplelive's report_create): any user reports a user, a room or a message;
// the room's managers, staff and the app backend read, watch and resolve them.
const CREATE = `mutation($i: CreateReportInput!) { createReport(input: $i) {
  id roomId targetType category reason status resolution createdAt resolvedAt
  reporter { id } targetUser { id } targetMessage { id text } } }`;
const REPORTS = `query($r: ID, $s: ReportStatus, $l: Int, $b: ID) { reports(roomId: $r, status: $s, limit: $l, before: $b) { id roomId status targetType } }`;
const RESOLVE = `mutation($id: ID!, $s: ReportStatus!, $why: String) { resolveReport(id: $id, status: $s, resolution: $why) { id status resolution resolvedAt } }`;
const CREATED = `subscription($r: ID!) { reportCreated(roomId: $r) { id roomId targetType category reason reporter { id } targetUser { id } } }`;
const ROOM = `mutation($m: [ID!], $type: RoomType) { createRoom(input: { memberIds: $m, type: $type }) { id } }`;
const ADD = `mutation($r: ID!, $u: ID!, $role: MemberRole) { addMember(roomId: $r, userId: $u, role: $role) { role } }`;
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const DELETE_MANAGER = `mutation($r: ID!, $u: ID!) { deleteManager(roomId: $r, userId: $u) { role } }`;

interface Scene {
  app: TestAppTenant;
  room: string;
  reporter: TestUser;
  target: TestUser;
  manager: TestUser;
  outsider: TestUser;
  messageId: string;
}

describe.each(testDrivers())('reports on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  /** A GROUP room with a reporter, a target who wrote one message, a MANAGER; and a user outside it. */
  const scene = async (): Promise<Scene> => {
    const app = await t.factories.app();
    const [reporter, target, manager, outsider] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const room = (await t.gql(ROOM, { m: [reporter.id, target.id] }, app.headers)).data!.createRoom.id;
    expect(codeOf(await t.gql(ADD, { r: room, u: manager.id, role: 'MANAGER' }, app.headers))).toBeUndefined();
    const messageId = (await t.gql(SEND, { r: room, t: 'you are all fools' }, target.headers)).data!.sendMessage.id;
    return { app, room, reporter, target, manager, outsider, messageId };
  };
  const report = async (input: Record<string, unknown>, headers: Headers) => {
    const result = await t.gql(CREATE, { i: input }, headers);
    expect(result.errors).toBeUndefined();
    return result.data!.createReport;
  };

  it('files a report on a user, a room and a message, filling in the room, the reporter and the target', async () => {
    const s = await scene();
    const onUser = await report({ targetType: 'USER', userId: s.target.id, roomId: s.room, category: 'GENERAL', reason: '  rude to everyone  ' }, s.reporter.headers);
    expect(onUser).toEqual({
      id: expect.any(String), roomId: s.room, targetType: 'USER', category: 'GENERAL', reason: 'rude to everyone', status: 'OPEN',
      resolution: null, createdAt: expect.any(String), resolvedAt: null, reporter: { id: s.reporter.id }, targetUser: { id: s.target.id }, targetMessage: null,
    });
    expect(Math.abs(Date.parse(onUser.createdAt) - Date.now())).toBeLessThan(10_000);
    const onRoom = await report({ targetType: 'ROOM', roomId: s.room, category: 'SPAM' }, s.reporter.headers);
    expect(onRoom).toMatchObject({ roomId: s.room, targetType: 'ROOM', category: 'SPAM', reason: null, targetUser: null, targetMessage: null });
    const onMessage = await report({ targetType: 'MESSAGE', messageId: s.messageId, category: 'PROFANITY', reason: 'x'.repeat(500) }, s.reporter.headers);
    expect(onMessage).toMatchObject({
      roomId: s.room, targetType: 'MESSAGE', category: 'PROFANITY', reason: 'x'.repeat(500),
      targetUser: { id: s.target.id }, targetMessage: { id: s.messageId, text: 'you are all fools' },
    });
    // A user may be reported without naming where: the report then belongs to the app's staff.
    const anywhere = await report({ targetType: 'USER', userId: s.target.id, category: 'OTHER' }, s.manager.headers);
    expect(anywhere).toMatchObject({ roomId: null, targetType: 'USER', category: 'OTHER', reporter: { id: s.manager.id } });
    const custom = await report({ targetType: 'USER', userId: s.target.id, roomId: s.room, category: 'CUSTOM', reason: 'impersonates a moderator' }, s.reporter.headers);
    expect(custom).toMatchObject({ category: 'CUSTOM', reason: 'impersonates a moderator' });
    expect(new Set([onUser.id, onRoom.id, onMessage.id, anywhere.id, custom.id]).size).toBe(5);
  });

  it('lets any user of the app report a message in an OPEN room it reads without being a member', async () => {
    const app = await t.factories.app();
    const [author, passerby] = [await t.factories.user(app), await t.factories.user(app)];
    const id = (await t.gql(SEND, { r: app.lobbyId, t: 'buy cheap coins' }, author.headers)).data!.sendMessage.id;
    await expect(report({ targetType: 'MESSAGE', messageId: id, category: 'SPAM' }, passerby.headers))
      .resolves.toMatchObject({ roomId: app.lobbyId, targetUser: { id: author.id }, targetMessage: { id } });
  });

  const BAD: [string, (s: Scene) => Record<string, unknown>, string][] = [
    ['a USER report without userId', (s) => ({ targetType: 'USER', roomId: s.room, category: 'GENERAL' }), 'BAD_USER_INPUT'],
    ['a ROOM report without roomId', () => ({ targetType: 'ROOM', category: 'GENERAL' }), 'BAD_USER_INPUT'],
    ['a MESSAGE report without messageId', (s) => ({ targetType: 'MESSAGE', roomId: s.room, category: 'GENERAL' }), 'BAD_USER_INPUT'],
    ['a MESSAGE report that also names a user', (s) => ({ targetType: 'MESSAGE', messageId: s.messageId, userId: s.target.id, category: 'SPAM' }), 'BAD_USER_INPUT'],
    ['a ROOM report that also names a message', (s) => ({ targetType: 'ROOM', roomId: s.room, messageId: s.messageId, category: 'SPAM' }), 'BAD_USER_INPUT'],
    ['a USER report that also names a message', (s) => ({ targetType: 'USER', userId: s.target.id, messageId: s.messageId, category: 'SPAM' }), 'BAD_USER_INPUT'],
    ['CUSTOM without a reason', (s) => ({ targetType: 'ROOM', roomId: s.room, category: 'CUSTOM' }), 'BAD_USER_INPUT'],
    ['CUSTOM with a blank reason', (s) => ({ targetType: 'ROOM', roomId: s.room, category: 'CUSTOM', reason: '   ' }), 'BAD_USER_INPUT'],
    ['a reason of 501 characters', (s) => ({ targetType: 'ROOM', roomId: s.room, category: 'OTHER', reason: 'x'.repeat(501) }), 'BAD_USER_INPUT'],
    ['an empty reason', (s) => ({ targetType: 'ROOM', roomId: s.room, category: 'OTHER', reason: '' }), 'BAD_USER_INPUT'],
    ['an unknown category', (s) => ({ targetType: 'ROOM', roomId: s.room, category: 'RUDE' }), 'BAD_USER_INPUT'],
    ['an unknown target type', (s) => ({ targetType: 'CHANNEL', roomId: s.room, category: 'SPAM' }), 'BAD_USER_INPUT'],
    ['a malformed message id', () => ({ targetType: 'MESSAGE', messageId: 'abc', category: 'SPAM' }), 'BAD_USER_INPUT'],
    ['a malformed user id', () => ({ targetType: 'USER', userId: '-1', category: 'SPAM' }), 'BAD_USER_INPUT'],
    ['reporting yourself', (s) => ({ targetType: 'USER', userId: s.reporter.id, category: 'SPAM' }), 'BAD_USER_INPUT'],
    ['an unknown message', () => ({ targetType: 'MESSAGE', messageId: '999999999', category: 'SPAM' }), 'NOT_FOUND'],
    ['an unknown user', () => ({ targetType: 'USER', userId: '999999999', category: 'SPAM' }), 'NOT_FOUND'],
    ['an unknown room', () => ({ targetType: 'ROOM', roomId: '999999999', category: 'SPAM' }), 'NOT_FOUND'],
    ['a USER report in an unknown room', (s) => ({ targetType: 'USER', userId: s.target.id, roomId: '999999999', category: 'SPAM' }), 'NOT_FOUND'],
  ];

  it.each(BAD)('refuses %s, and files nothing', async (_, input, code) => {
    const s = await scene();
    expect(codeOf(await t.gql(CREATE, { i: input(s) }, s.reporter.headers))).toBe(code);
    await expect(t.gql(REPORTS, {}, s.app.headers)).resolves.toEqual({ data: { reports: [] } });
  });

  it('refuses reports on what the reporter may not read (FORBIDDEN), on another app\'s things (NOT_FOUND), and from the app backend', async () => {
    const s = await scene();
    expect(codeOf(await t.gql(CREATE, { i: { targetType: 'MESSAGE', messageId: s.messageId, category: 'SPAM' } }, s.outsider.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CREATE, { i: { targetType: 'ROOM', roomId: s.room, category: 'SPAM' } }, s.outsider.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CREATE, { i: { targetType: 'USER', userId: s.target.id, roomId: s.room, category: 'SPAM' } }, s.outsider.headers))).toBe('FORBIDDEN');
    const other = await t.factories.app();
    const stranger = await t.factories.user(other);
    for (const input of [
      { targetType: 'MESSAGE', messageId: s.messageId, category: 'SPAM' },
      { targetType: 'ROOM', roomId: s.room, category: 'SPAM' },
      { targetType: 'ROOM', roomId: s.app.lobbyId, category: 'SPAM' },
      { targetType: 'USER', userId: s.target.id, category: 'SPAM' },
    ]) expect([input, codeOf(await t.gql(CREATE, { i: input }, stranger.headers))]).toEqual([input, 'NOT_FOUND']);
    expect(codeOf(await t.gql(CREATE, { i: { targetType: 'ROOM', roomId: s.room, category: 'SPAM' } }, s.app.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CREATE, { i: { targetType: 'ROOM', roomId: s.room, category: 'SPAM' } }))).toBe('UNAUTHENTICATED');
    await expect(t.gql(REPORTS, {}, s.app.headers)).resolves.toEqual({ data: { reports: [] } });
  });

  it('shows a room\'s reports, newest first, to its managers, staff and the app backend; a plain member gets FORBIDDEN', async () => {
    const s = await scene();
    const [mod, admin, owner] = [
      await t.factories.user(s.app, { role: UserRole.MOD }), await t.factories.user(s.app, { role: UserRole.ADMIN }), await t.factories.user(s.app, { role: UserRole.OWNER }),
    ];
    const first = await report({ targetType: 'MESSAGE', messageId: s.messageId, category: 'PROFANITY' }, s.reporter.headers);
    const second = await report({ targetType: 'USER', userId: s.target.id, roomId: s.room, category: 'GENERAL' }, s.reporter.headers);
    const elsewhere = await report({ targetType: 'ROOM', roomId: s.app.lobbyId, category: 'SPAM' }, s.reporter.headers);
    const expected = [{ id: second.id, roomId: s.room, status: 'OPEN', targetType: 'USER' }, { id: first.id, roomId: s.room, status: 'OPEN', targetType: 'MESSAGE' }];
    for (const [who, headers] of [['manager', s.manager.headers], ['mod', mod.headers], ['admin', admin.headers], ['owner', owner.headers], ['app', s.app.headers]] as const) {
      expect([who, await t.gql(REPORTS, { r: s.room }, headers)]).toEqual([who, { data: { reports: expected } }]);
    }
    for (const [who, headers] of [['reporter', s.reporter.headers], ['reported member', s.target.headers], ['non-member', s.outsider.headers]] as const) {
      expect([who, codeOf(await t.gql(REPORTS, { r: s.room }, headers))]).toEqual([who, 'FORBIDDEN']);
    }
    // The lobby is OPEN: every user reads it, but only staff and the app read its reports.
    expect(codeOf(await t.gql(REPORTS, { r: s.app.lobbyId }, s.manager.headers))).toBe('FORBIDDEN');
    expect((await t.gql(REPORTS, { r: s.app.lobbyId }, mod.headers)).data!.reports.map((r: any) => r.id)).toEqual([elsewhere.id]);
    expect((await t.gql(REPORTS, { r: s.room, l: 1 }, s.manager.headers)).data!.reports.map((r: any) => r.id)).toEqual([second.id]);
    expect((await t.gql(REPORTS, { r: s.room, b: second.id }, s.manager.headers)).data!.reports.map((r: any) => r.id)).toEqual([first.id]);
    for (const bad of [{ r: s.room, l: 0 }, { r: s.room, l: 101 }, { r: 'room' }, { r: s.room, b: 'x' }, { r: s.room, s: 'CLOSED' }]) {
      expect([bad, codeOf(await t.gql(REPORTS, bad, s.manager.headers))]).toEqual([bad, 'BAD_USER_INPUT']);
    }
    expect(codeOf(await t.gql(REPORTS, { r: '999999999' }, s.app.headers))).toBe('NOT_FOUND');
  });

  it('gives the app backend (and staff) every report of the app without roomId, a plain user or manager FORBIDDEN, and another app none of them', async () => {
    const s = await scene();
    const inRoom = await report({ targetType: 'ROOM', roomId: s.room, category: 'SPAM' }, s.reporter.headers);
    const noRoom = await report({ targetType: 'USER', userId: s.target.id, category: 'GENERAL' }, s.reporter.headers);
    const all = [noRoom.id, inRoom.id];
    expect((await t.gql(REPORTS, {}, s.app.headers)).data!.reports.map((r: any) => r.id)).toEqual(all);
    const admin = await t.factories.user(s.app, { role: UserRole.ADMIN });
    expect((await t.gql(REPORTS, {}, admin.headers)).data!.reports.map((r: any) => r.id)).toEqual(all);
    expect(codeOf(await t.gql(REPORTS, {}, s.reporter.headers))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(REPORTS, {}, s.manager.headers))).toBe('FORBIDDEN');
    const other = await t.factories.app();
    const otherAdmin = await t.factories.user(other, { role: UserRole.ADMIN });
    await expect(t.gql(REPORTS, {}, other.headers)).resolves.toEqual({ data: { reports: [] } });
    await expect(t.gql(REPORTS, {}, otherAdmin.headers)).resolves.toEqual({ data: { reports: [] } });
    expect(codeOf(await t.gql(REPORTS, { r: s.room }, other.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(REPORTS, { r: s.room }, otherAdmin.headers))).toBe('NOT_FOUND');
  });

  it('resolves or dismisses a report for managers, staff and the app backend; the status filter follows; plain members are refused', async () => {
    const s = await scene();
    const a = await report({ targetType: 'MESSAGE', messageId: s.messageId, category: 'PROFANITY' }, s.reporter.headers);
    const b = await report({ targetType: 'ROOM', roomId: s.room, category: 'SPAM' }, s.reporter.headers);
    const c = await report({ targetType: 'USER', userId: s.target.id, category: 'OTHER' }, s.reporter.headers);
    for (const headers of [s.reporter.headers, s.target.headers, s.outsider.headers]) {
      expect(codeOf(await t.gql(RESOLVE, { id: a.id, s: 'RESOLVED' }, headers))).toBe('FORBIDDEN');
    }
    const resolved = (await t.gql(RESOLVE, { id: a.id, s: 'RESOLVED', why: '  message deleted, user muted ' }, s.manager.headers)).data!.resolveReport;
    expect(resolved).toEqual({ id: a.id, status: 'RESOLVED', resolution: 'message deleted, user muted', resolvedAt: expect.any(String) });
    expect(Math.abs(Date.parse(resolved.resolvedAt) - Date.now())).toBeLessThan(10_000);
    expect((await t.gql(RESOLVE, { id: b.id, s: 'DISMISSED' }, s.app.headers)).data!.resolveReport).toMatchObject({ status: 'DISMISSED', resolution: null });
    const byStatus = async (status: string) => (await t.gql(REPORTS, { r: s.room, s: status }, s.manager.headers)).data!.reports.map((r: any) => r.id);
    expect(await byStatus('OPEN')).toEqual([]);
    expect(await byStatus('RESOLVED')).toEqual([a.id]);
    expect(await byStatus('DISMISSED')).toEqual([b.id]);
    // A report naming no room is the staff's: a room manager may not handle it, a mod may.
    expect(codeOf(await t.gql(RESOLVE, { id: c.id, s: 'RESOLVED' }, s.manager.headers))).toBe('FORBIDDEN');
    const mod = await t.factories.user(s.app, { role: UserRole.MOD });
    expect((await t.gql(RESOLVE, { id: c.id, s: 'RESOLVED' }, mod.headers)).data!.resolveReport).toMatchObject({ id: c.id, status: 'RESOLVED' });
    expect(codeOf(await t.gql(RESOLVE, { id: a.id, s: 'OPEN' }, s.manager.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(RESOLVE, { id: a.id, s: 'CLOSED' }, s.manager.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(RESOLVE, { id: 'x', s: 'RESOLVED' }, s.manager.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(RESOLVE, { id: '999999999', s: 'RESOLVED' }, s.app.headers))).toBe('NOT_FOUND');
    const other = await t.factories.app();
    const otherOwner = await t.factories.user(other, { role: UserRole.OWNER });
    expect(codeOf(await t.gql(RESOLVE, { id: c.id, s: 'DISMISSED' }, other.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(RESOLVE, { id: c.id, s: 'DISMISSED' }, otherOwner.headers))).toBe('NOT_FOUND');
    expect((await t.gql(REPORTS, { s: 'RESOLVED' }, s.app.headers)).data!.reports.map((r: any) => r.id)).toEqual([c.id, a.id]);
  });

  it('streams reportCreated of a room to its managers and the app backend; a plain member or outsider is refused with FORBIDDEN', async () => {
    const s = await scene();
    const managerWs = gqlWsClient(t.url, { authorization: `Bearer ${s.manager.token}` });
    const appWs = gqlWsClient(t.url, s.app.headers);
    const memberWs = gqlWsClient(t.url, { authorization: `Bearer ${s.reporter.token}` });
    const outsiderWs = gqlWsClient(t.url, { authorization: `Bearer ${s.outsider.token}` });
    try {
      await Promise.all([connected(managerWs), connected(appWs), connected(memberWs), connected(outsiderWs)]);
      const toManager = liveQueue(managerWs, CREATED, { r: s.room });
      const toApp = liveQueue(appWs, CREATED, { r: s.room });
      await expect(liveQueue(memberWs, CREATED, { r: s.room }).next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
      await expect(liveQueue(outsiderWs, CREATED, { r: s.room }).next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
      await expect(liveQueue(memberWs, CREATED, { r: s.app.lobbyId }).next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
      await expect(liveQueue(memberWs, CREATED, { r: '999999999' }).next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
      await expect(liveQueue(memberWs, CREATED, { r: 'nope' }).next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
      // Probes: reports on the room whose reason is the tag.
      await untilLive([toManager, toApp], (tag) => report({ targetType: 'ROOM', roomId: s.room, category: 'GENERAL', reason: tag }, s.reporter.headers));
      // Reports about other rooms, or naming no room, are not this room's.
      await report({ targetType: 'ROOM', roomId: s.app.lobbyId, category: 'SPAM' }, s.reporter.headers);
      await report({ targetType: 'USER', userId: s.target.id, category: 'SPAM' }, s.reporter.headers);
      const filed = await report({ targetType: 'MESSAGE', messageId: s.messageId, category: 'PROFANITY', reason: 'slur' }, s.reporter.headers);
      const expected = { data: { reportCreated: { id: filed.id, roomId: s.room, targetType: 'MESSAGE', category: 'PROFANITY', reason: 'slur', reporter: { id: s.reporter.id }, targetUser: { id: s.target.id } } } };
      // The next ones: the other reports came before it nowhere.
      await expect(toManager.next()).resolves.toEqual(expected);
      await expect(toApp.next()).resolves.toEqual(expected);
      // And it came once: a later report of the room is the next one after it.
      const later = await report({ targetType: 'ROOM', roomId: s.room, category: 'GENERAL', reason: 'a later marker' }, s.reporter.headers);
      await expect(toManager.next()).resolves.toMatchObject({ data: { reportCreated: { id: later.id } } });
      await expect(toApp.next()).resolves.toMatchObject({ data: { reportCreated: { id: later.id } } });
    } finally {
      await Promise.all([managerWs.dispose(), appWs.dispose(), memberWs.dispose(), outsiderWs.dispose()]);
    }
  });

  it('stops reportCreated for a manager who is no longer one', async () => {
    const s = await scene();
    const ws = gqlWsClient(t.url, { authorization: `Bearer ${s.manager.token}` });
    try {
      await connected(ws);
      const stream = liveQueue(ws, CREATED, { r: s.room });
      await untilLive([stream], (tag) => report({ targetType: 'ROOM', roomId: s.room, category: 'GENERAL', reason: tag }, s.reporter.headers));
      const first = await report({ targetType: 'ROOM', roomId: s.room, category: 'SPAM' }, s.reporter.headers);
      await expect(stream.next()).resolves.toMatchObject({ data: { reportCreated: { id: first.id } } });
      expect(codeOf(await t.gql(DELETE_MANAGER, { r: s.room, u: s.manager.id }, s.app.headers))).toBeUndefined();
      // Ended by the server with nothing after the first; a new one is refused.
      await stream.completed();
      expect(stream.unread()).toBe(0);
      await expect(liveQueue(ws, CREATED, { r: s.room }).next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
      expect(codeOf(await t.gql(REPORTS, { r: s.room }, s.manager.headers))).toBe('FORBIDDEN');
    } finally {
      await ws.dispose();
    }
  });
});
