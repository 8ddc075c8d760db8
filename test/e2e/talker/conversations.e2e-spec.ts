import { DataSource } from 'typeorm';
import { TalkerApp } from '../../../src/talker/talker-app.js';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import type { TestAppTenant } from '../../support/factories.js';
import { waitFor } from '../../support/wait.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';
import { TalkerPeer, talkerPeer, talkerSocket } from '../../support/talker.js';

/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe.each(testDrivers())('talker conversations on %s', (driver) => {
  let t: TestApp;
  const peers: TalkerPeer[] = [];
  const peer = async () => { const p = await talkerPeer(t); peers.push(p); return p; };

  beforeAll(async () => { t = await startApp(driver); });
  afterEach(() => { for (const p of peers.splice(0)) p.socket.close(); });
  afterAll(() => t?.close());

  const get = async (route: string, p: TalkerPeer, query: Record<string, string | number>) => {
    const qs = new URLSearchParams({ user_id: String(p.id), clientAddress: p.clientAddress, ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) });
    const res = await fetch(`${t.url}/talker${route}?${qs}`);
    return { status: res.status, body: await res.json() as any };
  };

  it('text and photo messages, notified, read, typing, contacts, history, search, block and unblock', async () => {
    const alice = await peer();
    const bob = await peer();
    const sent = await alice.ask('messeage', { user_id: alice.id, to_id: bob.id, content: 'hello bob', content_type: 'text' });
    expect(sent).toMatchObject({ from_user: alice.id, to_user: bob.id, content: 'hello bob', content_type: 'text', readen: false });
    expect(await bob.next('messeage')).toMatchObject({ id: sent.id, from_user: alice.id, content: 'hello bob' });
    expect(await alice.next('messeage')).toMatchObject({ id: sent.id });
    expect(await alice.next('notified')).toEqual({ messeage_id: sent.id });

    const photo = await alice.ask('messeage', { user_id: alice.id, to_id: bob.id, content: `data:image/png;base64,${PNG}`, content_type: 'photo' });
    expect(photo.content_type).toBe('photo');
    const seen = await bob.next('messeage', 1);
    // Absolute, on the address the client reached (no PUBLIC_URL here): it works in src on any origin.
    expect(seen.content).toMatch(new RegExp(`^${t.url}/media/\\d+/`));
    expect(photo.content).toMatch(new RegExp(`^${t.url}/media/`));
    const file = await fetch(seen.content);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from(PNG, 'base64'));

    bob.socket.emit('read', { user_id: bob.id, messeage_id: photo.id });
    expect(await alice.next('read')).toEqual({ messeage_id: photo.id });

    bob.socket.emit('type', { user_id: bob.id, to_id: alice.id });
    expect(await alice.next('typing')).toEqual({ typer: bob.id, typing: true });
    expect(await alice.next('typing', 1)).toEqual({ typer: bob.id, typing: false });

    const contacts = await get('/contacts', bob, {});
    expect(contacts.body).toEqual([{ id: alice.id, username: alice.username, unread: 0, last_messeage: expect.objectContaining({ id: photo.id, readen: true, notified: true }) }]);
    const history = await get('/messeages', alice, { with_id: bob.id });
    expect(history.body.map((m: any) => m.id)).toEqual([sent.id, photo.id]);
    expect(history.body[1].content).toMatch(new RegExp(`^${t.url}/media/`));
    expect(contacts.body[0].last_messeage.content).toMatch(new RegExp(`^${t.url}/media/`));
    expect((await get('/messeages', alice, { with_id: bob.id, from_messeage: photo.id })).body.map((m: any) => m.id)).toEqual([sent.id]);
    expect((await get('/search/messeages', alice, { talker_id: bob.id, messeage: 'hello' })).body.map((m: any) => m.id)).toEqual([sent.id]);

    bob.socket.emit('block_user', { user_id: bob.id, blocked_id: alice.id });
    await waitFor('the block', async () => (await get('/blocked/users', bob, {})).body, (b: any) => b.length === 1);
    expect((await get('/blocked/users', bob, {})).body).toEqual([{ id: alice.id, username: alice.username }]);
    await expect(alice.ask('messeage', { user_id: alice.id, to_id: bob.id, content: 'hi?', content_type: 'text' })).resolves.toMatchObject({ error: 'BLOCKED' });
    await expect(bob.ask('messeage', { user_id: bob.id, to_id: alice.id, content: 'hi?', content_type: 'text' })).resolves.toMatchObject({ error: 'BLOCKED' });
    await bob.ask('unlock_user', { user_id: bob.id, blocked_id: alice.id });
    await expect(alice.ask('messeage', { user_id: alice.id, to_id: bob.id, content: 'again', content_type: 'text' })).resolves.toMatchObject({ content: 'again' });
  });

  const mediaRows = async () => Number((await t.server.app.get(DataSource).query('SELECT COUNT(*) AS n FROM media'))[0].n);

  it('answers bad input with its code, storing nothing', async () => {
    const alice = await peer();
    const bob = await peer();
    const cases: Array<[string, unknown, string]> = [
      ['messeage', { user_id: alice.id, to_id: bob.id, content: 'x', content_type: 'sticker' }, 'BAD_REQUEST'],
      ['messeage', { user_id: alice.id, to_id: bob.id, content: 42, content_type: 'text' }, 'BAD_REQUEST'],
      ['messeage', { user_id: alice.id, to_id: bob.id }, 'BAD_REQUEST'],
      ['messeage', { user_id: alice.id, to_id: bob.id, content: '   ', content_type: 'text' }, 'BAD_REQUEST'],
      ['messeage', { user_id: alice.id, to_id: bob.id, content: 'not a uri', content_type: 'photo' }, 'BAD_REQUEST'],
      ['messeage', { user_id: alice.id, to_id: bob.id, content: 'data:image/png;base64,@@@', content_type: 'photo' }, 'BAD_REQUEST'],
      // photo / video / audio must be what the bytes are
      ['messeage', { user_id: alice.id, to_id: bob.id, content: 'data:image/png;base64,nope', content_type: 'photo' }, 'BAD_REQUEST'],
      ['messeage', { user_id: alice.id, to_id: bob.id, content: `data:video/mp4;base64,${PNG}`, content_type: 'video' }, 'BAD_REQUEST'],
      ['messeage', { user_id: alice.id, to_id: bob.id, content: 'data:audio/ogg;base64,bm90IGF1ZGlv', content_type: 'audio' }, 'BAD_REQUEST'],
      // a logged-in socket sending a payload that is not an object: BAD_REQUEST, not NOT_LOGGED_IN
      ['messeage', 'garbage', 'BAD_REQUEST'],
      ['read', [1, 2], 'BAD_REQUEST'],
      ['/contacts', 42, 'BAD_REQUEST'],
      ['messeage', { user_id: alice.id, to_id: bob.id, content: `data:application/octet-stream;base64,${'A'.repeat(12_000_000)}`, content_type: 'file' }, 'TOO_LARGE'],
      ['messeage', { user_id: alice.id, to_id: 999_999_999, content: 'x', content_type: 'text' }, 'NOT_FOUND'],
      ['messeage', { user_id: alice.id, to_id: alice.id, content: 'x', content_type: 'text' }, 'BAD_REQUEST'],
      ['read', { user_id: alice.id, messeage_id: 999_999_999 }, 'NOT_FOUND'],
      ['type', { user_id: alice.id, to_id: 'x' }, 'BAD_REQUEST'],
      ['block_user', { user_id: alice.id, blocked_id: 999_999_999 }, 'NOT_FOUND'],
    ];
    const mediaBefore = await mediaRows();
    for (const [name, payload, code] of cases) {
      await expect(alice.ask(name, payload)).resolves.toMatchObject({ error: code });
    }
    await expect(alice.ask('messeage', { user_id: alice.id, to_id: bob.id, content: 'data:image/png;base64,nope', content_type: 'photo' }))
      .resolves.toEqual({ error: 'BAD_REQUEST', message: 'content is not a photo (the bytes are application/octet-stream)' });
    expect((await get('/messeages', alice, { with_id: bob.id })).body).toEqual([]);
    expect(await mediaRows()).toBe(mediaBefore);
    // Not logged in, the same garbage is NOT_LOGGED_IN.
    const stranger = await talkerSocket(t.url);
    try {
      await expect(stranger.request('messeage', 'garbage')).resolves.toMatchObject({ error: 'NOT_LOGGED_IN' });
    } finally {
      stranger.close();
    }
    expect((await get('/messeages', alice, { with_id: 'x' })).status).toBe(400);
    expect((await get('/contacts', { ...alice, clientAddress: 'wrong' }, {})).status).toBe(401);
    // user_id not the socket's account: auth false
    alice.socket.emit('messeage', { user_id: bob.id, to_id: bob.id, content: 'x', content_type: 'text' });
    expect(await alice.next('auth')).toBe(false);
  });

  it('a talker account and a GraphQL user of the talker app talk both ways in one DIRECT room', async () => {
    const alice = await peer();
    const appId = (await t.server.app.get(TalkerApp).scope()).appId;
    const gUser = await t.factories.user({ id: appId } as TestAppTenant);
    const opened = await t.gql(`mutation($u: ID!) { openDirectRoom(userId: $u) { id } }`, { u: String(alice.id) }, gUser.headers);
    const roomId = opened.data!.openDirectRoom.id;
    const client = gqlWsClient(t.url, { authorization: `Bearer ${gUser.token}` });
    try {
      await connected(client);
      const added = liveQueue(client, `subscription($r: ID!) { messageAdded(roomId: $r) { id text author { id } } }`, { r: roomId });
      await untilLive([added], (tag) => alice.ask('messeage', { user_id: alice.id, to_id: Number(gUser.id), content: tag, content_type: 'text' }));
      await alice.ask('messeage', { user_id: alice.id, to_id: Number(gUser.id), content: 'from talker', content_type: 'text' });
      expect((await added.next()).data.messageAdded).toMatchObject({ text: 'from talker', author: { id: String(alice.id) } });
      const sent = await t.gql(`mutation($r: ID!) { sendMessage(roomId: $r, input: {text: "from graphql"}) { id } }`, { r: roomId }, gUser.headers);
      const id = Number(sent.data!.sendMessage.id);
      const got = await waitFor('the GraphQL message on the talker socket', () => alice.got.find(([n, m]) => n === 'messeage' && m.id === id)?.[1]);
      expect(got).toMatchObject({ from_user: Number(gUser.id), to_user: alice.id, content: 'from graphql', content_type: 'text' });
      const mine = await waitFor('the talker message id', () => alice.got.find(([n, m]) => n === 'messeage' && m.content === 'from talker')?.[1]);
      await t.gql(`mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { roomId } }`, { r: roomId, m: String(mine.id) }, gUser.headers);
      expect(await alice.next('read')).toEqual({ messeage_id: mine.id });
    } finally {
      await client.dispose();
    }
  });
});
