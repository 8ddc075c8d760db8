import { LegacyChatGateway } from '../../../src/legacy/legacy-chat.gateway.js';
import { userChannel } from '../../../src/legacy/legacy-protocol.js';
import { UserRole } from '../../../src/users/user.model.js';
import { TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient, socketsIn } from '../../support/legacy.js';
import { describeTwoInstances } from '../../support/redis.js';
import { waitFor } from '../../support/wait.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

const SEND = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: {text: $t}) { id } }`;
const ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { id text } }`;
const ONLINE = `query($id: ID!) { user(id: $id) { online } }`;
const ONLINE_MEMBERS = `query($r: ID!) { onlineMembers(roomId: $r) { uname } }`;

await describeTwoInstances('two-instance suite', 'two instances sharing MariaDB and Redis', (cluster) => {
  const sockets: LegacyClient[] = [];
  const disposers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(disposers.splice(0).map((dispose) => dispose()));
  });

  const legacyOn = async (instance: TestApp, app: TestAppTenant, user?: TestUser) => {
    const { socket, data } = await authedSocket(instance.url, app.id, user?.hashedToken);
    sockets.push(socket);
    return { socket, data };
  };
  const graphqlWsOn = async (instance: TestApp, user: TestUser) => {
    const client = gqlWsClient(instance.url, { authorization: `Bearer ${user.token}` });
    disposers.push(async () => { await client.dispose(); });
    await connected(client);
    return client;
  };

  it('delivers a message sent on one instance to a subscriber on the other, in order', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const alice = await a.factories.user(app);
    const prober = await a.factories.user(app); // not alice: her 20 sends are all the default rate allows
    const client = await graphqlWsOn(b, alice);
    const stream = liveQueue(client, ADDED, { r: app.lobbyId });
    await untilLive([stream], (tag) => a.gql(SEND, { r: app.lobbyId, t: tag }, prober.headers));
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await a.gql(SEND, { r: app.lobbyId, t: `m${i}` }, alice.headers)).data!.sendMessage.id);
    const got = [];
    for (let i = 0; i < 20; i++) got.push((await stream.next()).data.messageAdded.id);
    expect(got).toEqual(ids);
  });

  it('gives a legacy socket on one and a graphql-ws subscriber on the other what is sent on either, exactly once', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const alice = await a.factories.user(app);
    const bob = await a.factories.user(app);
    // The subscription first, made live by probes, so that no probe reaches the legacy sockets.
    const stream = liveQueue(await graphqlWsOn(b, bob), ADDED, { r: app.lobbyId });
    await untilLive([stream], (tag) => a.gql(SEND, { r: app.lobbyId, t: tag }, alice.headers));
    const { socket: aliceOnA } = await legacyOn(a, app, alice);
    const { socket: watcherOnB } = await legacyOn(b, app);

    await expect(aliceOnA.request('new_message', 'legacy on A')).resolves.toEqual([]);
    expect(codeOf(await b.gql(SEND, { r: app.lobbyId, t: 'graphql on B' }, bob.headers))).toBeUndefined();

    for (const socket of [aliceOnA, watcherOnB]) {
      await expect(socket.next('new_message')).resolves.toMatchObject({ text: 'legacy on A', user: { uname: alice.uname } });
      await expect(socket.next('new_message')).resolves.toMatchObject({ text: 'graphql on B', user: { uname: bob.uname } });
    }
    await expect(stream.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'legacy on A' } } });
    await expect(stream.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'graphql on B' } } });
    // Bus and Socket.IO adapter both span the instances; only the bus carries events: a later
    // message, sent once every copy above had arrived, is the next one everywhere.
    expect(codeOf(await a.gql(SEND, { r: app.lobbyId, t: 'a later marker' }, bob.headers))).toBeUndefined();
    for (const socket of [aliceOnA, watcherOnB]) await expect(socket.next('new_message')).resolves.toMatchObject({ text: 'a later marker' });
    await expect(stream.next()).resolves.toMatchObject({ data: { messageAdded: { text: 'a later marker' } } });
  });

  it('lists a user connected only to the other instance, over either transport, and sees them leave', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const bob = await a.factories.user(app, { role: UserRole.MOD });
    const carol = await a.factories.user(app);
    const { socket: watcherOnA, data } = await legacyOn(a, app);
    expect(data.room.users).toEqual({});

    const { socket: bobOnB } = await legacyOn(b, app, bob);
    await expect(watcherOnA.next('user_joined')).resolves.toEqual({ uname: bob.uname, role: 'mod', id: Number(bob.id) });
    const carolOnB = await graphqlWsOn(b, carol); // GraphQL only
    await expect(watcherOnA.next('user_joined')).resolves.toEqual({ uname: carol.uname, role: 'member', id: Number(carol.id) });

    const { data: later } = await legacyOn(a, app);
    expect(Object.keys(later.room.users).sort()).toEqual([bob.uname, carol.uname].sort());
    expect(later.room.users[carol.uname]).toEqual({ uname: carol.uname, role: 'member', id: Number(carol.id) });
    await expect(a.gql(ONLINE, { id: carol.id }, app.headers)).resolves.toEqual({ data: { user: { online: true } } });
    const listed = await a.gql(ONLINE_MEMBERS, { r: app.lobbyId }, app.headers);
    expect(listed.data!.onlineMembers.map((u: { uname: string }) => u.uname).sort()).toEqual([bob.uname, carol.uname].sort());

    await carolOnB.dispose();
    await expect(watcherOnA.next('user_left')).resolves.toEqual({ uname: carol.uname, role: 'member', id: Number(carol.id) });
    await expect(a.gql(ONLINE, { id: carol.id }, app.headers)).resolves.toEqual({ data: { user: { online: false } } });
    bobOnB.close();
    await expect(watcherOnA.next('user_left')).resolves.toEqual({ uname: bob.uname, role: 'mod', id: Number(bob.id) });
    // Announced once: a later arrival is the next presence event, no second user_left before it.
    const newcomer = await a.factories.user(app);
    await legacyOn(b, app, newcomer);
    await expect(watcherOnA.next('user_joined')).resolves.toMatchObject({ uname: newcomer.uname });
    expect(watcherOnA.unread('user_left')).toBe(0);
  });

  it('counts a user on both instances as one presence: user_left only when the last connection anywhere goes', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const dave = await a.factories.user(app);
    const { socket: watcherOnA } = await legacyOn(a, app);
    const { socket: daveOnA } = await legacyOn(a, app, dave);
    await expect(watcherOnA.next('user_joined')).resolves.toMatchObject({ uname: dave.uname });
    const daveOnB = await graphqlWsOn(b, dave);
    // Markers: another user arriving on a once dave's graphql-ws was acknowledged on b (presence is
    // counted before connection_ack), and leaving a once a took in dave's close there.
    const erin = await a.factories.user(app);
    const { socket: erinOnA } = await legacyOn(a, app, erin);
    await expect(watcherOnA.next('user_joined')).resolves.toMatchObject({ uname: erin.uname }); // not dave again
    daveOnA.close();
    await waitFor('a to take in dave\'s close', () => socketsIn(a, userChannel(app.id, dave.id)), (n) => n === 0);
    erinOnA.close();
    await expect(watcherOnA.next('user_left')).resolves.toMatchObject({ uname: erin.uname }); // dave is still here
    await expect(b.gql(ONLINE, { id: dave.id }, app.headers)).resolves.toEqual({ data: { user: { online: true } } });
    await daveOnB.dispose();
    await expect(watcherOnA.next('user_left')).resolves.toMatchObject({ uname: dave.uname });
  });

  it('enforces a mute done on one instance on the other, and its end too', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const mod = await a.factories.user(app, { role: UserRole.MOD });
    const bob = await a.factories.user(app);
    const { socket: modOnA } = await legacyOn(a, app, mod);
    const { socket: bobOnB } = await legacyOn(b, app, bob);
    // B has seen bob allowed to talk (and may cache it) before the mute.
    await expect(bobOnB.request('new_message', 'before')).resolves.toEqual([]);
    expect(codeOf(await b.gql(SEND, { r: app.lobbyId, t: 'before, too' }, bob.headers))).toBeUndefined();

    await expect(modOnA.request('new_message', `/mute ${bob.uname} 10`)).resolves.toEqual([]);
    await expect(modOnA.next('system_message')).resolves.toBe(`${bob.uname} was muted for 10 min`);
    await expect(bobOnB.next('user_muted')).resolves.toMatchObject({ uname: bob.uname, mins: 10 });
    await expect(bobOnB.request('new_message', 'muted?')).resolves.toEqual(['MUTED']);
    await expect(bobOnB.next('system_message')).resolves.toMatch(/^You are muted until /);
    expect(codeOf(await b.gql(SEND, { r: app.lobbyId, t: 'muted? graphql' }, bob.headers))).toBe('MUTED');

    await expect(modOnA.request('new_message', `/unmute ${bob.uname}`)).resolves.toEqual([]);
    await expect(bobOnB.next('user_unmuted')).resolves.toEqual({ uname: bob.uname });
    await expect(bobOnB.request('new_message', 'free again')).resolves.toEqual([]);
    await expect(modOnA.next('new_message')).resolves.toMatchObject({ text: 'before' });
    await expect(modOnA.next('new_message')).resolves.toMatchObject({ text: 'before, too' });
    await expect(modOnA.next('new_message')).resolves.toMatchObject({ text: 'free again' });
  });

  it('shares Socket.IO rooms through the Redis adapter: a server-wide query on one instance sees the other\'s sockets', async () => {
    const { a, b } = cluster;
    const app = await a.factories.app();
    const erin = await a.factories.user(app);
    await legacyOn(a, app, erin);
    await legacyOn(b, app, erin);
    const ioOf = (instance: TestApp) => instance.server.app.get(LegacyChatGateway).server;
    await expect(ioOf(a).in(userChannel(app.id, erin.id)).fetchSockets()).resolves.toHaveLength(2);
    await expect(ioOf(a).local.in(userChannel(app.id, erin.id)).fetchSockets()).resolves.toHaveLength(1);
  });

  it('reports the bus lag and deliveries in /metrics', async () => {
    const { b } = cluster;
    const text = await fetch(`${b.url}/metrics`).then((r) => r.text());
    expect(text).toMatch(/chat_event_bus_lag_seconds_count \d*[1-9]/);
    expect(text).toMatch(/chat_messages_out_total\{transport="graphql-ws"\} \d*[1-9]/);
    expect(text).toMatch(/chat_db_query_seconds_count \d*[1-9]/);
  });
});
