import { scopeOf } from '../../../src/database/app-scope.js';
import { MetricsService } from '../../../src/metrics/metrics.service.js';
import { MessageWriter } from '../../../src/messages/message-writer.js';
import { UsersRepository } from '../../../src/users/users.repository.js';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { BULK_SENDING } from '../../support/factories.js';
import { gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

// Messages are stored with group commits: many concurrent sends share a transaction, each is
// answered after its batch commits, and every room still reads and streams in id order.
const SEND = `mutation($r: ID!, $t: String!, $c: String) { sendMessage(roomId: $r, input: { text: $t, clientMsgId: $c }) { id text roomId } }`;
const HISTORY = `query($r: ID!) { messages(roomId: $r, limit: 100) { nodes { id text } } }`;
const ROOM = `mutation($m: [ID!]) { createRoom(input: { memberIds: $m }) { id } }`;
const ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { id text } }`;

describe.each(testDrivers())('group commits of messages on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(driver); });
  afterAll(() => t.close());

  const batches = async () => {
    const values = (await t.server.app.get(MetricsService).messageBatch.get()).values;
    const of = (name: string) => {
      const found = values.find((v) => v.metricName === name);
      if (!found) throw new Error(`no ${name} in the metrics`);
      return found.value;
    };
    return { count: of('chat_message_batch_size_count'), sum: of('chat_message_batch_size_sum') };
  };

  it('stores concurrent HTTP sends with distinct ids, in id order per room, live and in history', async () => {
    const app = await t.factories.app(undefined, BULK_SENDING);
    const users = await Promise.all(Array.from({ length: 12 }, () => t.factories.user(app)));
    const rooms: string[] = [];
    for (let i = 0; i < 3; i++) rooms.push((await t.gql(ROOM, { m: users.map((u) => u.id) }, app.headers)).data!.createRoom.id);
    const watcher = gqlWsClient(t.url, { authorization: `Bearer ${users[0].token}` });
    const streams = rooms.map((r) => liveQueue(watcher, ADDED, { r }));
    const probes = await untilLive(streams, (tag) => Promise.all(rooms.map((r) => t.gql(SEND, { r, t: tag }, users[0].headers))));
    const before = await batches();

    const sends = users.flatMap((u, i) => Array.from({ length: 6 }, (_, k) => ({ u, r: rooms[(i + k) % 3], t: `${u.uname}-${k}` })));
    const acks = await Promise.all(sends.map((s) => t.gql(SEND, { r: s.r, t: s.t }, s.u.headers)));
    for (const ack of acks) expect(codeOf(ack)).toBeUndefined();
    const stored = acks.map((a) => a.data!.sendMessage);
    expect(new Set(stored.map((m) => m.id)).size).toBe(sends.length);
    stored.forEach((m, i) => expect([m.text, m.roomId]).toEqual([sends[i].t, sends[i].r]));

    const after = await batches();
    expect(after.sum - before.sum).toBe(sends.length);
    expect(after.count - before.count).toBeLessThanOrEqual(sends.length);

    for (const [i, room] of rooms.entries()) {
      const mine = stored.filter((m) => m.roomId === room).sort((a, b) => Number(a.id) - Number(b.id));
      const history = (await t.gql(HISTORY, { r: room }, users[0].headers)).data!.messages.nodes;
      expect(history.filter((m: { text: string }) => !probes.includes(m.text))).toEqual(mine.map(({ id, text }) => ({ id, text })));
      const live = [];
      for (let n = 0; n < mine.length; n++) live.push((await streams[i].next()).data.messageAdded);
      expect(live).toEqual(mine.map(({ id, text }) => ({ id, text })));
    }
    await watcher.dispose();
  });

  it('takes every message that arrived during a commit into the next one, answering each after its commit', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const author = (await t.server.app.get(UsersRepository).findById(scopeOf(app.id), alice.id))!;
    const writer = t.server.app.get(MessageWriter);
    const before = await batches();
    const pending = Array.from({ length: 20 }, (_, i) => writer.write(scopeOf(app.id), app.lobbyId, author, { text: `w${i}`, kind: 'TEXT', meta: null, clientMsgId: null }));
    const written = await Promise.all(pending);
    const after = await batches();
    // The first write commits alone at once; the 19 that queued behind it share the next commit.
    expect([after.count - before.count, after.sum - before.sum]).toEqual([2, 20]);
    const ids = written.map((m) => BigInt(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    expect(written.map((m) => m.text)).toEqual(Array.from({ length: 20 }, (_, i) => `w${i}`));
    const history = (await t.gql(HISTORY, { r: app.lobbyId }, alice.headers)).data!.messages.nodes;
    expect(history).toEqual(written.map((m) => ({ id: m.id, text: m.text })));
  });

  it('answers a resend of a stored clientMsgId inside a burst with the first message, and stores the rest of the burst once', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const author = (await t.server.app.get(UsersRepository).findById(scopeOf(app.id), alice.id))!;
    const writer = t.server.app.get(MessageWriter);
    const write = (text: string, clientMsgId: string | null) => writer.write(scopeOf(app.id), app.lobbyId, author, { text, kind: 'TEXT', meta: null, clientMsgId });
    const original = await write('original', 'k-old');
    // The first of the burst commits alone; the rest, the resend among them, share the next INSERT, which the unique key refuses.
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => (i === 5 ? write('resent', 'k-old') : write(`b${i}`, `k-${i}`))));
    expect(burst[5]).toMatchObject({ id: original.id, text: 'original' });
    const fresh = burst.filter((_, i) => i !== 5);
    expect(fresh.map((m) => m.text)).toEqual(Array.from({ length: 12 }, (_, i) => `b${i}`).filter((_, i) => i !== 5));
    const history = (await t.gql(HISTORY, { r: app.lobbyId }, alice.headers)).data!.messages.nodes;
    expect(history).toEqual([original, ...fresh].map((m) => ({ id: m.id, text: m.text })));
  });

  it('answers a clientMsgId repeated inside one burst with the first message only', async () => {
    const app = await t.factories.app(undefined, BULK_SENDING);
    const alice = await t.factories.user(app);
    const acks = await Promise.all(Array.from({ length: 8 }, (_, i) => t.gql(SEND, { r: app.lobbyId, t: `try ${i}`, c: 'same-key' }, alice.headers)));
    const ids = new Set(acks.map((a) => a.data!.sendMessage.id));
    expect(ids.size).toBe(1);
    const history = (await t.gql(HISTORY, { r: app.lobbyId }, alice.headers)).data!.messages.nodes;
    expect(history).toHaveLength(1);
    expect(acks.map((a) => a.data!.sendMessage.text)).toEqual(Array(8).fill(history[0].text));
  });
});
