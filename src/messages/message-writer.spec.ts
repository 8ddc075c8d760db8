import type { Logger } from 'pino';
import { scopeOf } from '../database/app-scope.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DomainEvent } from '../realtime/domain-events.js';
import { EventBus } from '../realtime/event-bus.js';
import { UserEntity } from '../users/user.entity.js';
import { Gate } from '../../test/support/gate.js';
import { strictFake } from '../../test/support/strict-fake.js';
import { MessageValues, MessageWriter } from './message-writer.js';
import { MessageRow, MessagesRepository, NewMessage } from './messages.repository.js';

const scope = scopeOf('1');
const ann = { id: '7', uname: 'ann' } as UserEntity;
const values = (text: string, clientMsgId: string | null = null): MessageValues => ({ text, kind: 'TEXT', meta: null, clientMsgId });
const storedRow = (r: NewMessage, id: string): MessageRow => ({ ...r, id, author: null, editedAt: null, deletedAt: null, createdAt: new Date(), attachments: r.attachments ?? [] });
const idsOf = (events: DomainEvent[]) => events.map((e) => (e as { message: { id: string } }).message.id);
const turns = async (n: number) => { for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve)); };

/** What a driver throws: refused by the server (nothing stored), or lost on the way (outcome unknown). */
const refused = () => Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000', fatal: false });
const lost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });

/**
 * A writer over a fake table with the real unique key: (author, clientMsgId), authors null left
 * out. The first appendMany call waits for `release`, so the sends made meanwhile queue up and
 * go together in the second call: the batch these tests are about. Every INSERT passes
 * `inserting` and every publish `publishing`, so a test can hold either back; the call numbered
 * `lostCall` loses its connection, and `lookupFails` makes the clientMsgId lookup fail.
 */
function setup({ lostCall = 0, lookupFails = false, publishing = new Gate(), inserting = new Gate() } = {}) {
  const rows: NewMessage[] = [];
  const published: DomainEvent[] = [];
  let calls = 0;
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  const priorOf = (v: NewMessage) => rows.findIndex((r) => v.authorId !== null && v.clientMsgId !== null && r.authorId === v.authorId && r.clientMsgId === v.clientMsgId);
  const store = (items: readonly { values: NewMessage }[]) => items.map(({ values: v }) => {
    if (v.text === 'bad' || priorOf(v) >= 0) throw refused();
    rows.push(v);
    return String(rows.length);
  });
  const messages = strictFake<MessagesRepository>('MessagesRepository', {
    appendMany: async (items: readonly { values: NewMessage }[]) => {
      calls++;
      if (calls === 1) await held;
      await inserting.pass();
      if (calls === lostCall) throw lost();
      const before = rows.length;
      try {
        return store(items);
      } catch (error) {
        rows.length = before; // one statement: all rows or none
        throw error;
      }
    },
    findByClientMsgIds: async (_: unknown, sends: readonly { authorId: string; clientMsgId: string }[]) => {
      if (lookupFails) throw lost();
      return rows.flatMap((r, i) => (sends.some((k) => k.authorId === r.authorId && k.clientMsgId === r.clientMsgId) ? [storedRow(r, String(i + 1))] : []));
    },
    insertOnce: async (_: unknown, v: NewMessage) => {
      const prior = priorOf(v);
      if (prior < 0) return { id: store([{ values: v }])[0], created: true };
      return { id: String(prior + 1), created: false, row: storedRow(rows[prior], String(prior + 1)) };
    },
  });
  const events = strictFake<EventBus>('EventBus', {
    publish: async (event: DomainEvent) => {
      await publishing.pass();
      if ((event as { message: { text: string } }).message.text === 'unpublishable') throw new Error('bus unreachable');
      published.push(event);
    },
  });
  const log = strictFake<Logger>('Logger', { warn: () => undefined, error: () => undefined });
  // No recorder (no webhooks): the outbox records nothing and the writer opens no transaction.
  const writer = new MessageWriter(messages, events, new MetricsService(), log);
  const send = (v: MessageValues, author: UserEntity | null = null) =>
    writer.write(scope, '5', author, v).then((m) => ({ id: m.id, text: m.text }), (e: Error) => ({ error: e.message }));
  return { rows, published, messages, events, log, send, release };
}

/** A message with ann's clientMsgId 'k1' stored first, then INSERTs held: the sends made until open() go in one batch behind a lone one. */
async function withStoredKey(options: Omit<NonNullable<Parameters<typeof setup>[0]>, 'inserting'> = {}) {
  const inserting = new Gate();
  const t = setup({ ...options, inserting });
  const first = t.send(values('original', 'k1'), ann);
  t.release();
  await expect(first).resolves.toEqual({ id: '1', text: 'original' });
  const open = inserting.close();
  const blocker = t.send(values('blocker'));
  return { ...t, open: async () => { open(); await blocker; } };
}

describe('MessageWriter', () => {
  it('tries each message of a refused batch alone: the bad one fails, the rest are stored once and published in id order', async () => {
    const t = setup();
    const first = t.send(values('first'));
    const batch = [t.send(values('a')), t.send(values('bad')), t.send(values('c', 'k'), ann)];
    t.release();
    await expect(first).resolves.toEqual({ id: '1', text: 'first' });
    await expect(Promise.all(batch)).resolves.toEqual([{ id: '2', text: 'a' }, { error: 'Duplicate entry' }, { id: '3', text: 'c' }]);
    expect(t.rows.map((r) => r.text)).toEqual(['first', 'a', 'c']);
    expect(idsOf(t.published)).toEqual(['1', '2', '3']);
  });

  it('never writes again what may already be stored: a lost connection fails the whole batch, nothing is retried', async () => {
    const t = setup({ lostCall: 2 });
    const first = t.send(values('first'));
    const batch = [t.send(values('a')), t.send(values('b'))];
    t.release();
    await first;
    await expect(Promise.all(batch)).resolves.toEqual([{ error: expect.stringMatching(/Connection lost/) }, { error: expect.stringMatching(/Connection lost/) }]);
    expect(t.messages.appendMany).toHaveBeenCalledTimes(2);
    expect(t.messages.insertOnce).not.toHaveBeenCalled();
    expect(t.published).toHaveLength(1);
    expect(t.log.error).toHaveBeenCalledTimes(1);
  });

  it('sends the next INSERT while the batch before is still being published, answers batches in the order they were stored, and writes no further while one waits', async () => {
    const publishing = new Gate();
    const t = setup({ publishing });
    const open = publishing.close();
    const first = t.send(values('first'));
    const second = t.send(values('second'));
    let secondAnswered = false;
    void second.then(() => { secondAnswered = true; });
    t.release();
    await turns(5);
    expect(t.messages.appendMany).toHaveBeenCalledTimes(2);
    expect(t.rows.map((r) => r.text)).toEqual(['first', 'second']);
    expect([t.published, secondAnswered]).toEqual([[], false]);
    const third = t.send(values('third'));
    await turns(5);
    expect(t.messages.appendMany).toHaveBeenCalledTimes(2);
    open();
    await expect(Promise.all([first, second, third])).resolves.toEqual([{ id: '1', text: 'first' }, { id: '2', text: 'second' }, { id: '3', text: 'third' }]);
    expect(idsOf(t.published)).toEqual(['1', '2', '3']);
  });

  it("hands a batch's events to the bus together, in id order, without waiting for each", async () => {
    const publishing = new Gate();
    const t = await withStoredKey({ publishing });
    const batch = [t.send(values('a')), t.send(values('b')), t.send(values('c'))];
    await t.open(); // the lone blocker is answered; the batch behind it waits for its next turn
    const open = publishing.close();
    await turns(5);
    expect((t.events.publish as jest.Mock).mock.calls.map(([e]) => (e as { message: { text: string } }).message.text)).toEqual(['original', 'blocker', 'a', 'b', 'c']);
    expect(t.published).toHaveLength(2);
    open();
    await expect(Promise.all(batch)).resolves.toEqual([{ id: '3', text: 'a' }, { id: '4', text: 'b' }, { id: '5', text: 'c' }]);
  });

  it('fails only the send whose event could not be published; the rest of its batch is answered', async () => {
    const t = setup();
    const first = t.send(values('first'));
    const batch = [t.send(values('a')), t.send(values('unpublishable')), t.send(values('c'))];
    t.release();
    await first;
    await expect(Promise.all(batch)).resolves.toEqual([{ id: '2', text: 'a' }, { error: 'bus unreachable' }, { id: '4', text: 'c' }]);
    expect(idsOf(t.published)).toEqual(['1', '2', '4']);
  });

  it('shares the answer of a clientMsgId still under way with its resend: stored once, published once', async () => {
    const t = setup();
    const first = t.send(values('original', 'k1'), ann);
    const resend = t.send(values('again', 'k1'), ann);
    t.release();
    await expect(Promise.all([first, resend])).resolves.toEqual([{ id: '1', text: 'original' }, { id: '1', text: 'original' }]);
    expect(t.rows.map((r) => r.text)).toEqual(['original']);
    expect(t.messages.appendMany).toHaveBeenCalledTimes(1);
    expect(t.published).toHaveLength(1);
  });

  it('writes a resend itself when the first send it waited for fails', async () => {
    const t = setup({ lostCall: 2 });
    const blocker = t.send(values('blocker'));
    const first = t.send(values('original', 'k1'), ann);
    const resend = t.send(values('again', 'k1'), ann);
    t.release();
    await blocker;
    await expect(first).resolves.toEqual({ error: expect.stringMatching(/Connection lost/) });
    await expect(resend).resolves.toEqual({ id: '2', text: 'again' });
    expect(t.rows.map((r) => r.text)).toEqual(['blocker', 'again']);
  });

  it('answers a resend of a stored clientMsgId from one lookup and stores the rest of its batch in one INSERT', async () => {
    const t = await withStoredKey();
    const batch = [t.send(values('x')), t.send(values('again', 'k1'), ann), t.send(values('y'))];
    await t.open();
    await expect(Promise.all(batch)).resolves.toEqual([{ id: '3', text: 'x' }, { id: '1', text: 'original' }, { id: '4', text: 'y' }]);
    expect(t.messages.findByClientMsgIds).toHaveBeenCalledTimes(1);
    expect(t.messages.insertOnce).not.toHaveBeenCalled();
    expect(t.messages.appendMany).toHaveBeenCalledTimes(4);
    expect(idsOf(t.published)).toEqual(['1', '2', '3', '4']);
  });

  it('tries the rest alone when the INSERT without the resends is refused too', async () => {
    const t = await withStoredKey();
    const batch = [t.send(values('x')), t.send(values('again', 'k1'), ann), t.send(values('bad'))];
    await t.open();
    await expect(Promise.all(batch)).resolves.toEqual([{ id: '3', text: 'x' }, { id: '1', text: 'original' }, { error: 'Duplicate entry' }]);
    expect(t.messages.insertOnce).toHaveBeenCalledTimes(2);
    expect(t.rows.map((r) => r.text)).toEqual(['original', 'blocker', 'x']);
  });

  it('answers the resends and fails the rest when the INSERT without them loses its connection', async () => {
    const t = await withStoredKey({ lostCall: 4 });
    const batch = [t.send(values('x')), t.send(values('again', 'k1'), ann), t.send(values('y'))];
    await t.open();
    await expect(Promise.all(batch)).resolves.toEqual([
      { error: expect.stringMatching(/Connection lost/) }, { id: '1', text: 'original' }, { error: expect.stringMatching(/Connection lost/) }]);
    expect(t.messages.insertOnce).not.toHaveBeenCalled();
    expect(t.log.error).toHaveBeenCalledTimes(1);
  });

  it('tries each message alone when the lookup of resent clientMsgIds fails, which answers a resend all the same', async () => {
    const t = await withStoredKey({ lookupFails: true });
    const batch = [t.send(values('x')), t.send(values('again', 'k1'), ann)];
    await t.open();
    await expect(Promise.all(batch)).resolves.toEqual([{ id: '3', text: 'x' }, { id: '1', text: 'original' }]);
    expect(t.messages.insertOnce).toHaveBeenCalledTimes(2);
    expect(t.log.warn).toHaveBeenCalled();
  });
});
