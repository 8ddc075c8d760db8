import { MetricsService } from '../../../src/metrics/metrics.service.js';
import { BULK_SENDING } from '../../support/factories.js';
import { ApolloClient, gql, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { waitFor } from '../../support/wait.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: {text: $t}) { id } }`;
const ADDED = `subscription($r: ID!, $after: ID) { messageAdded(roomId: $r, after: $after) { id text author { uname } } }`;
const GROUP = `mutation($m: [ID!]) { createRoom(input: {memberIds: $m}) { id } }`;

describe.each(testDrivers())('live GraphQL subscriptions on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  const wsAs = async (token: string) => {
    const client = gqlWsClient(t.url, { authorization: `Bearer ${token}` });
    await connected(client);
    return client;
  };

  it('delivers new messages of a room to its subscribers, with Apollo Client over GraphQLWsLink', async () => {
    const app = await t.factories.app(undefined, BULK_SENDING); // the probe below sends every 20 ms until one arrives
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const wsClient = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${bob.token}` } });
    const apollo = new ApolloClient({ link: new GraphQLWsLink(wsClient), cache: new InMemoryCache() });
    const received: any[] = [];
    const subscription = apollo.subscribe({ query: gql(ADDED), variables: { r: app.lobbyId } }).subscribe({ next: (r) => received.push(r.data) });
    await waitFor('the Apollo subscription live', async () => {
      await t.gql(SEND, { r: app.lobbyId, t: 'probe' }, alice.headers);
      return received.length > 0;
    }, Boolean, 10_000);
    await t.gql(SEND, { r: app.lobbyId, t: 'hello bob' }, alice.headers);
    const hello = await waitFor('hello bob over Apollo', () => received.find((r) => r.messageAdded.text !== 'probe'));
    expect(hello).toMatchObject({ messageAdded: { text: 'hello bob', author: { uname: alice.uname } } });
    subscription.unsubscribe();
    await wsClient.dispose();
  });

  it('refuses a subscription to a room the user may not read with FORBIDDEN, and to another app\'s room with NOT_FOUND', async () => {
    const app = await t.factories.app();
    const [alice, outsider] = [await t.factories.user(app), await t.factories.user(app)];
    const room = (await t.gql(GROUP, { m: [alice.id] }, app.headers)).data!.createRoom.id;
    const client = await wsAs(outsider.token);
    const refused = liveQueue(client, ADDED, { r: room });
    await expect(refused.next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    const other = await t.factories.app();
    const foreign = liveQueue(client, ADDED, { r: other.lobbyId });
    await expect(foreign.next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const malformed = liveQueue(client, ADDED, { r: 'abc' });
    await expect(malformed.next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    const unknownField = liveQueue(client, `subscription { nothingHere }`);
    await expect(unknownField.next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    await client.dispose();
  });

  it('streams edits, deletions, typing, read receipts and membership changes', async () => {
    const app = await t.factories.app();
    const [alice, bob, carol] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const room = (await t.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const client = await wsAs(bob.token);
    const updated = liveQueue(client, `subscription($r: ID!) { messageUpdated(roomId: $r) { id text editedAt } }`, { r: room });
    const removed = liveQueue(client, `subscription($r: ID!) { messageDeleted(roomId: $r) { id text deletedAt } }`, { r: room });
    const typing = liveQueue(client, `subscription($r: ID!) { typing(roomId: $r) { roomId isTyping user { uname } } }`, { r: room });
    const receipts = liveQueue(client, `subscription($r: ID!) { readReceipt(roomId: $r) { messageId kind user { uname } } }`, { r: room });
    const members = liveQueue(client, `subscription($r: ID!) { membershipChanged(roomId: $r) { type roomId role user { uname } actor { uname } } }`, { r: room });
    // Live for membership and typing: a newcomer per probe joins and types (both carry its uname);
    // then for the rest: a message per probe is edited to the tag, read and deleted (all carry its id).
    await untilLive([members, typing], async () => {
      const newcomer = await t.factories.user(app);
      await t.gql(`mutation($r: ID!, $u: ID!) { addMember(roomId: $r, userId: $u) { role } }`, { r: room, u: newcomer.id }, app.headers);
      await t.gql(`mutation($r: ID!) { typing(roomId: $r, isTyping: true) }`, { r: room }, newcomer.headers);
      return newcomer.uname;
    });
    await untilLive([updated, receipts, removed], async (tag) => {
      const probe = (await t.gql(SEND, { r: room, t: 'probe' }, alice.headers)).data!.sendMessage.id as string;
      await t.gql(`mutation($id: ID!, $t: String!) { editMessage(id: $id, text: $t) { id } }`, { id: probe, t: tag }, alice.headers);
      await t.gql(`mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { role } }`, { r: room, m: probe }, alice.headers);
      await t.gql(`mutation($id: ID!) { deleteMessage(id: $id) { ok } }`, { id: probe }, alice.headers);
      return probe;
    });
    const id = (await t.gql(SEND, { r: room, t: 'first' }, alice.headers)).data!.sendMessage.id;
    await t.gql(`mutation($id: ID!) { editMessage(id: $id, text: "second") { id } }`, { id }, alice.headers);
    await expect(updated.next()).resolves.toMatchObject({ data: { messageUpdated: { id, text: 'second' } } });
    await t.gql(`mutation($r: ID!) { typing(roomId: $r, isTyping: true) }`, { r: room }, alice.headers);
    await expect(typing.next()).resolves.toEqual({ data: { typing: { roomId: room, isTyping: true, user: { uname: alice.uname } } } });
    await t.gql(`mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { role } }`, { r: room, m: id }, alice.headers);
    await expect(receipts.next()).resolves.toEqual({ data: { readReceipt: { messageId: id, kind: 'READ', user: { uname: alice.uname } } } });
    await t.gql(`mutation($id: ID!) { deleteMessage(id: $id) { ok } }`, { id }, alice.headers);
    await expect(removed.next()).resolves.toMatchObject({ data: { messageDeleted: { id, text: null } } });
    await t.gql(`mutation($r: ID!, $u: ID!) { addMember(roomId: $r, userId: $u) { role } }`, { r: room, u: carol.id }, app.headers);
    await expect(members.next()).resolves.toEqual({ data: { membershipChanged: { type: 'JOINED', roomId: room, role: 'MEMBER', user: { uname: carol.uname }, actor: null } } });
    await client.dispose();
  });

  it('resumes after `after` with every stored message, then live ones: none missed, none repeated, under concurrent senders', async () => {
    const app = await t.factories.app(undefined, BULK_SENDING);
    const senders = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
    const reader = await t.factories.user(app);
    const first = (await t.gql(SEND, { r: app.lobbyId, t: 'before everything' }, senders[0].headers)).data!.sendMessage.id;
    let sending = true;
    const sent: string[] = [];
    const loops = senders.map(async (sender, s) => {
      for (let i = 0; sending && i < 400; i++) {
        const result = await t.gql(SEND, { r: app.lobbyId, t: `s${s}-${i}` }, sender.headers);
        sent.push(result.data!.sendMessage.id);
      }
    });
    await waitFor('the senders under way', () => sent.length >= 3, Boolean, 10_000);
    const client = await wsAs(reader.token);
    const stream = liveQueue(client, ADDED, { r: app.lobbyId, after: first });
    const sentWhenSubscribed = sent.length;
    await waitFor('the stream delivering while the senders go on', () => stream.received.length > 0 && sent.length >= sentWhenSubscribed + 10, Boolean, 10_000);
    sending = false;
    await Promise.all(loops);
    const expected = [...sent].sort((a, b) => Number(a) - Number(b));
    const got: string[] = [];
    while (got.length < expected.length) got.push((await stream.next(10_000)).data.messageAdded.id);
    expect(got).toEqual(expected);
    // None repeated after them either: a later message is the next one.
    await t.gql(SEND, { r: app.lobbyId, t: 'a later marker' }, reader.headers);
    await expect(stream.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'a later marker' } } });
    await client.dispose();
  });

  it('stops a removed member\'s live subscriptions to that room', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const room = (await t.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const client = await wsAs(bob.token);
    const stream = liveQueue(client, ADDED, { r: room });
    await untilLive([stream], (tag) => t.gql(SEND, { r: room, t: tag }, alice.headers));
    await t.gql(SEND, { r: room, t: 'still here' }, alice.headers);
    await expect(stream.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'still here' } } });
    await t.gql(`mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u) { ok } }`, { r: room, u: bob.id }, app.headers);
    // Ended by the server with nothing after 'still here'; a new one is refused.
    await stream.completed();
    expect(stream.unread()).toBe(0);
    await expect(liveQueue(client, ADDED, { r: room }).next()).resolves.toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    await client.dispose();
  });

  it('myEvents carries everything of all the user\'s rooms, rooms joined later included, on one subscription', async () => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    const roomA = (await t.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
    const client = await wsAs(bob.token);
    const mine = liveQueue(client, `subscription { myEvents { type roomId message { text } membership { type user { uname } } typing { isTyping } } }`);
    await untilLive([mine], (tag) => t.gql(SEND, { r: roomA, t: tag }, alice.headers));
    await t.gql(SEND, { r: roomA, t: 'in A' }, alice.headers);
    await expect(mine.next()).resolves.toEqual({ data: { myEvents: { type: 'MESSAGE_ADDED', roomId: roomA, message: { text: 'in A' }, membership: null, typing: null } } });
    const roomB = (await t.gql(GROUP, { m: [alice.id] }, app.headers)).data!.createRoom.id;
    await t.gql(SEND, { r: roomB, t: 'not bob\'s room yet' }, alice.headers);
    await t.gql(`mutation($r: ID!, $u: ID!) { addMember(roomId: $r, userId: $u) { role } }`, { r: roomB, u: bob.id }, app.headers);
    await expect(mine.next()).resolves.toMatchObject({ data: { myEvents: { type: 'MEMBERSHIP_CHANGED', roomId: roomB, membership: { type: 'JOINED', user: { uname: bob.uname } } } } });
    await t.gql(SEND, { r: roomB, t: 'now in B' }, alice.headers);
    await expect(mine.next()).resolves.toMatchObject({ data: { myEvents: { type: 'MESSAGE_ADDED', roomId: roomB, message: { text: 'now in B' } } } });
    await t.gql(`mutation($r: ID!) { leaveRoom(roomId: $r) { ok } }`, { r: roomB }, bob.headers);
    await expect(mine.next()).resolves.toMatchObject({ data: { myEvents: { type: 'MEMBERSHIP_CHANGED', membership: { type: 'LEFT' } } } });
    await t.gql(SEND, { r: roomB, t: 'gone' }, alice.headers);
    await t.gql(SEND, { r: roomA, t: 'a later marker' }, alice.headers); // the next event: 'gone' never came
    await expect(mine.next()).resolves.toMatchObject({ data: { myEvents: { type: 'MESSAGE_ADDED', roomId: roomA, message: { text: 'a later marker' } } } });
    expect(mine.received.filter((e) => e.data?.myEvents?.membership?.type === 'JOINED')).toHaveLength(1);
    await client.dispose();
  });

  it('marks subscribers online while connected', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const online = `query($id: ID!) { user(id: $id) { online } }`;
    await expect(t.gql(online, { id: alice.id }, app.headers)).resolves.toEqual({ data: { user: { online: false } } });
    const [tab1, tab2] = [await wsAs(alice.token), await wsAs(alice.token)];
    await expect(t.gql(online, { id: alice.id }, app.headers)).resolves.toEqual({ data: { user: { online: true } } });
    const listed = await t.gql(`query($r: ID!) { onlineMembers(roomId: $r) { uname } }`, { r: app.lobbyId }, app.headers);
    expect(listed.data!.onlineMembers).toEqual([{ uname: alice.uname }]);
    const wsConnections = async () => (await t.server.app.get(MetricsService).connections.get()).values.find((v) => v.labels.transport === 'graphql-ws')?.value;
    const open = await wsConnections();
    expect(open).toBeGreaterThanOrEqual(2);
    await tab1.dispose();
    await waitFor('the server to see tab1 close', wsConnections, (n) => n === open! - 1); // then ask: still online
    await expect(t.gql(online, { id: alice.id }, app.headers)).resolves.toEqual({ data: { user: { online: true } } });
    await tab2.dispose();
    // The server sees the close after dispose returns: wait for it, bounded.
    await expect(waitFor('alice offline', () => t.gql(online, { id: alice.id }, app.headers), (r) => r.data?.user?.online === false)).resolves.toEqual({ data: { user: { online: false } } });
  });

  it('answers garbage subscriptions (syntax, types, ids) with BAD_USER_INPUT and keeps the connection serving', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const client = await wsAs(alice.token);
    for (const [query, variables] of [
      ['subscription { messageAdded }', {}],
      ['subscription($r: ID!) { messageAdded(roomId: $r) { id } }', { r: { nested: ['x'] } }],
      ['subscription($r: ID!) { messageAdded(roomId: $r, after: "-1") { id } }', { r: app.lobbyId }],
      ['not graphql at all', {}],
    ] as const) {
      const q = liveQueue(client, query, variables as Record<string, unknown>);
      const result = await q.next();
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const live = liveQueue(client, ADDED, { r: app.lobbyId });
    await untilLive([live], (tag) => t.gql(SEND, { r: app.lobbyId, t: tag }, alice.headers));
    await t.gql(SEND, { r: app.lobbyId, t: 'still alive' }, alice.headers);
    await expect(live.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'still alive' } } });
    await client.dispose();
  });
});
