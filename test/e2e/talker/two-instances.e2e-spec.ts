import { TalkerApp } from '../../../src/talker/talker-app.js';
import { TEST_ADMIN_KEY } from '../../support/app.js';
import { asApp, asOperator } from '../../support/clients.js';
import type { TestAppTenant } from '../../support/factories.js';
import { describeTwoInstances } from '../../support/redis.js';
import { waitFor } from '../../support/wait.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';
import { TalkerPeer, talkerPeer } from '../../support/talker.js';

const ROTATE = `mutation($a: ID!) { rotateAppSecret(appId: $a) { secret } }`;
const DELETE_USER = `mutation($id: ID!) { deleteUser(id: $id) { ok } }`;

// The talker API over two instances sharing MariaDB and Redis: accounts on either instance talk
// to each other and to GraphQL users of the other, and sessions hold on both.
await describeTwoInstances('talker two-instance suite', 'the talker API on two instances sharing MariaDB and Redis', (cluster) => {
  const peers: TalkerPeer[] = [];
  /** The talker app, with credentials (its secret rotated through b: the first start made it without telling its secret). */
  let talkerApp: TestAppTenant;

  beforeAll(async () => {
    const appId = (await cluster.a.server.app.get(TalkerApp).scope()).appId;
    const rotated = await cluster.b.gql(ROTATE, { a: appId }, asOperator(TEST_ADMIN_KEY));
    const secret: string = rotated.data!.rotateAppSecret.secret;
    talkerApp = { id: appId, secret, lobbyId: '', headers: asApp({ id: appId, secret }) };
  });
  afterEach(() => { for (const p of peers.splice(0)) p.socket.close(); });

  /** A talker account registered through `via` and logged in on a socket of `on`. */
  const peerOn = async (via: typeof cluster.a, on = via) => { const p = await talkerPeer(via, on); peers.push(p); return p; };
  const send = (from: TalkerPeer, to: number, content: string) => from.ask('messeage', { user_id: from.id, to_id: to, content, content_type: 'text' });

  it('an account on a and an account on b: messeage both ways, notified, read, typing true then false', async () => {
    const alice = await peerOn(cluster.a);
    const bob = await peerOn(cluster.b);

    const hi = await send(alice, bob.id, 'hi from a');
    expect(hi).toMatchObject({ from_user: alice.id, to_user: bob.id, content: 'hi from a', readen: false });
    expect(await bob.next('messeage')).toMatchObject({ id: hi.id, from_user: alice.id, content: 'hi from a' });
    expect(await alice.next('notified')).toEqual({ messeage_id: hi.id });

    const back = await send(bob, alice.id, 'hi from b');
    expect(await alice.next('messeage', 1)).toMatchObject({ id: back.id, from_user: bob.id, content: 'hi from b' });
    expect(await bob.next('notified')).toEqual({ messeage_id: back.id });

    bob.socket.emit('read', { user_id: bob.id, messeage_id: hi.id });
    expect(await alice.next('read')).toEqual({ messeage_id: hi.id });
    alice.socket.emit('read', { user_id: alice.id, messeage_id: back.id });
    expect(await bob.next('read')).toEqual({ messeage_id: back.id });

    alice.socket.emit('type', { user_id: alice.id, to_id: bob.id });
    expect(await bob.next('typing')).toEqual({ typer: alice.id, typing: true });
    expect(await bob.next('typing', 1)).toEqual({ typer: alice.id, typing: false });
    bob.socket.emit('type', { user_id: bob.id, to_id: alice.id });
    expect(await alice.next('typing')).toEqual({ typer: bob.id, typing: true });
    expect(await alice.next('typing', 1)).toEqual({ typer: bob.id, typing: false });
    // Each instance emits to its own sockets only: every event arrived once.
    const count = (p: TalkerPeer, name: string) => p.got.filter(([n]) => n === name).length;
    expect([count(alice, 'messeage'), count(alice, 'notified'), count(alice, 'read')]).toEqual([2, 1, 1]);
    expect([count(bob, 'messeage'), count(bob, 'notified'), count(bob, 'read')]).toEqual([2, 1, 1]);
  });

  it('a GraphQL user on b and a talker account on a talk both ways in one DIRECT room', async () => {
    const alice = await peerOn(cluster.a);
    const gUser = await cluster.b.factories.user(talkerApp);
    const opened = await cluster.b.gql(`mutation($u: ID!) { openDirectRoom(userId: $u) { id } }`, { u: String(alice.id) }, gUser.headers);
    const roomId: string = opened.data!.openDirectRoom.id;
    const client = gqlWsClient(cluster.b.url, { authorization: `Bearer ${gUser.token}` });
    try {
      await connected(client);
      const added = liveQueue(client, `subscription($r: ID!) { messageAdded(roomId: $r) { id text author { id } } }`, { r: roomId });
      await untilLive([added], (tag) => send(alice, Number(gUser.id), tag));
      const mine = await send(alice, Number(gUser.id), 'from talker on a');
      expect((await added.next()).data.messageAdded).toMatchObject({ id: String(mine.id), text: 'from talker on a', author: { id: String(alice.id) } });

      const sent = await cluster.b.gql(`mutation($r: ID!) { sendMessage(roomId: $r, input: {text: "from graphql on b"}) { id } }`, { r: roomId }, gUser.headers);
      const id = Number(sent.data!.sendMessage.id);
      const got = await waitFor('the GraphQL message on the talker socket', () => alice.got.find(([n, m]) => n === 'messeage' && m.id === id)?.[1]);
      expect(got).toMatchObject({ from_user: Number(gUser.id), to_user: alice.id, content: 'from graphql on b', content_type: 'text' });

      await cluster.b.gql(`mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { roomId } }`, { r: roomId, m: String(mine.id) }, gUser.headers);
      await waitFor('read of the talker message', () => alice.got.find(([n, m]) => n === 'read' && m.messeage_id === mine.id));
    } finally {
      await client.dispose();
    }
  });

  it('a user deleted through b: the talker socket on a gets NOT_LOGGED_IN and is disconnected', async () => {
    const alice = await peerOn(cluster.a);
    const closed = new Promise<string>((resolve) => alice.socket.on('disconnect', resolve));
    const deleted = await cluster.b.gql(DELETE_USER, { id: String(alice.id) }, talkerApp.headers);
    expect(deleted.errors).toBeUndefined();
    expect(await alice.next('error')).toBe('NOT_LOGGED_IN');
    await expect(closed).resolves.toBe('io server disconnect');
  });

  it('a clientAddress from a login on a works for the HTTP routes on b', async () => {
    const alice = await peerOn(cluster.a);
    const bob = await peerOn(cluster.b);
    const hi = await send(alice, bob.id, 'seen over http on b');
    const query = (p: TalkerPeer, extra: Record<string, string>) => new URLSearchParams({ user_id: String(p.id), clientAddress: p.clientAddress, ...extra });
    const history = await fetch(`${cluster.b.url}/talker/messeages?${query(alice, { with_id: String(bob.id) })}`);
    expect(history.status).toBe(200);
    expect((await history.json() as any[]).map((m) => m.id)).toEqual([hi.id]);
    const contacts = await fetch(`${cluster.b.url}/talker/contacts`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_id: alice.id, clientAddress: alice.clientAddress }),
    });
    expect(await contacts.json()).toEqual([expect.objectContaining({ id: bob.id, username: bob.username })]);
    const wrong = await fetch(`${cluster.b.url}/talker/contacts?${query({ ...alice, clientAddress: 'not-the-key' }, {})}`);
    expect(wrong.status).toBe(401);
  });
});
