import { MetricsService } from '../../../src/metrics/metrics.service.js';
import { UserRole } from '../../../src/users/user.model.js';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { waitFor } from '../../support/wait.js';
import { gqlWsClient, liveQueue, LiveQueue, untilLive } from '../../support/ws.js';
import type { Client } from 'graphql-ws';

// Subscriptions execute each event once per distinct (app, viewer role, document, variables), and per
// subscriber when the selection depends on the viewer (issue "Scale-out and performance").
const ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { id text kind author { uname role online } createdAt } }`;
const ADDED_RENAMED = `subscription Other($r: ID!) { messageAdded(roomId: $r) { id text kind author { uname role online } createdAt } }`;
const MINE_SHARED = `subscription { myEvents { type message { id text author { uname } } } }`;
const MINE_OWN = `subscription($u: Boolean!) { myEvents { type message { id text author { uname } } room { unreadCount @include(if: $u) } } }`;
const MINE_UNREAD = `subscription { myEvents { type room { id frozen unreadCount } } }`;
const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }`;
const ROOM = `mutation($m: [ID!]) { createRoom(input: { memberIds: $m }) { id } }`;
const READ = `mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { lastReadMessageId } }`;
const FREEZE = `mutation($r: ID!, $f: Boolean!) { freezeRoom(roomId: $r, frozen: $f) { id } }`;

describe.each(testDrivers())('shared execution of subscription events on %s', (driver) => {
  let t: TestApp;
  const clients: Client[] = [];
  const queues: LiveQueue[] = [];
  beforeAll(async () => { t = await startApp(driver); });
  afterEach(async () => {
    for (const q of queues.splice(0)) q.stop();
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });
  afterAll(() => t.close());

  const executions = async () => {
    const values = (await t.server.app.get(MetricsService).subscriptionExecutions.get()).values;
    // Every execution is counted under one of the two paths: any other label fails here, so a path
    // absent from the output (never executed yet) truly is 0.
    expect(values.map((v) => v.labels.path).filter((path) => path !== 'shared' && path !== 'own')).toEqual([]);
    const of = (path: string) => values.find((v) => v.labels.path === path)?.value ?? 0;
    return { shared: of('shared'), own: of('own') };
  };
  const subscribe = (token: string, query: string, variables: Record<string, unknown> = {}) => {
    const client = gqlWsClient(t.url, { authorization: `Bearer ${token}` });
    clients.push(client);
    const queue = liveQueue(client, query, variables);
    queues.push(queue);
    return queue;
  };

  it('executes an event once for all subscribers alike, and separately for another document or role, with equal results', async () => {
    const app = await t.factories.app();
    const sender = await t.factories.user(app);
    const readers = await Promise.all(Array.from({ length: 6 }, () => t.factories.user(app)));
    const mod = await t.factories.user(app, { role: UserRole.MOD });
    const alike = readers.map((r) => subscribe(r.token, ADDED, { r: app.lobbyId }));
    const renamed = subscribe(readers[0].token, ADDED_RENAMED, { r: app.lobbyId });
    const staff = subscribe(mod.token, ADDED, { r: app.lobbyId });
    await untilLive([...alike, renamed, staff], (tag) => t.gql(SEND, { r: app.lobbyId, t: tag }, sender.headers));
    const before = await executions();
    for (const text of ['one', 'two', 'three']) await t.gql(SEND, { r: app.lobbyId, t: text }, sender.headers);
    const got = await Promise.all([...alike, renamed, staff].map(async (q) => [await q.next(), await q.next(), await q.next()]));
    for (const received of got) expect(received).toEqual(got[0]);
    expect(got[0].map((r) => r.data.messageAdded.text)).toEqual(['one', 'two', 'three']);
    expect(got[0][0].data.messageAdded).toEqual({ id: expect.any(String), text: 'one', kind: 'TEXT', author: { uname: sender.uname, role: 'MEMBER', online: false }, createdAt: expect.any(String) });
    const after = await executions();
    // Three groups (the six alike readers, the renamed operation, the mod): three executions per message.
    expect(after.shared - before.shared).toBe(9);
    expect(after.own - before.own).toBe(0);
  });

  it('gives the same payload on the per-subscriber path as on the shared one', async () => {
    const app = await t.factories.app();
    const [sender, alice, bob] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const room = (await t.gql(ROOM, { m: [sender.id, alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const shared = [subscribe(alice.token, MINE_SHARED), subscribe(bob.token, MINE_SHARED)];
    const own = [subscribe(alice.token, MINE_OWN, { u: false }), subscribe(bob.token, MINE_OWN, { u: false })];
    await untilLive([...shared, ...own], (tag) => t.gql(SEND, { r: room, t: tag }, sender.headers));
    const before = await executions();
    await t.gql(SEND, { r: room, t: 'same for all' }, sender.headers);
    const sharedPayloads = await Promise.all(shared.map((q) => q.next()));
    const ownPayloads = await Promise.all(own.map((q) => q.next()));
    expect(sharedPayloads[0]).toEqual({ data: { myEvents: { type: 'MESSAGE_ADDED', message: { id: expect.any(String), text: 'same for all', author: { uname: sender.uname } } } } });
    expect(sharedPayloads[1]).toEqual(sharedPayloads[0]);
    // The own path's document also asks for the (here null) room: everything else is the same.
    for (const payload of ownPayloads) expect(payload).toEqual({ data: { myEvents: { ...sharedPayloads[0].data.myEvents, room: null } } });
    const after = await executions();
    expect(after.shared - before.shared).toBe(1);
    expect(after.own - before.own).toBe(2);
  });

  it('answers a viewer-dependent field for each subscriber', async () => {
    const app = await t.factories.app();
    const [sender, alice, bob] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const room = (await t.gql(ROOM, { m: [sender.id, alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const ids: string[] = [];
    const [forAlice, forBob] = [subscribe(alice.token, MINE_UNREAD), subscribe(bob.token, MINE_UNREAD)];
    // This selection carries no text to tell probes apart: live once both saw one; what else arrives is read past below.
    await waitFor('both myEvents streams live', async () => {
      await t.gql(SEND, { r: room, t: 'probe' }, sender.headers);
      return forAlice.received.length > 0 && forBob.received.length > 0;
    }, Boolean, 10_000);
    for (const text of ['a', 'b', 'c']) ids.push((await t.gql(SEND, { r: room, t: text }, sender.headers)).data!.sendMessage.id);
    await t.gql(READ, { r: room, m: ids[2] }, alice.headers);
    await t.gql(READ, { r: room, m: ids[0] }, bob.headers);
    await t.gql(FREEZE, { r: room, f: true }, app.headers);
    // The freeze comes after the probes, messages and reads on each stream: read up to it.
    const frozen = async (q: LiveQueue) => {
      for (;;) {
        const event = await q.next();
        if (event.data?.myEvents?.room?.frozen === true) return event;
      }
    };
    await expect(frozen(forAlice)).resolves.toEqual({ data: { myEvents: { type: 'ROOM_UPDATED', room: { id: room, frozen: true, unreadCount: 0 } } } });
    await expect(frozen(forBob)).resolves.toEqual({ data: { myEvents: { type: 'ROOM_UPDATED', room: { id: room, frozen: true, unreadCount: 2 } } } });
  });
});
