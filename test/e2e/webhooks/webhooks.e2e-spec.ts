import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, startAppOn, startCluster, TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { mysqlDriver, testDrivers } from '../../support/drivers.js';
import { BULK_SENDING, TestAppTenant } from '../../support/factories.js';
import { waitFor } from '../../support/wait.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id url events enabled } secret } }`;
const LIST = `{ webhooks { id url events enabled } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateWebhookInput!) { updateWebhook(id: $id, input: $input) { id url events enabled } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { webhook { id } secret } }`;
const DELETE = `mutation($id: ID!) { deleteWebhook(id: $id) { ok reason } }`;
const DELIVERIES = `query($id: ID!, $limit: Int) { webhookDeliveries(webhookId: $id, limit: $limit) { id eventType status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt } }`;
const REDELIVER = `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status attempts } }`;
const SEND = `mutation($r: ID!, $input: SendMessageInput!) { sendMessage(roomId: $r, input: $input) { id } }`;

/** Retries in milliseconds, a short time limit and poll: the whole schedule runs in a test's time. */
const FAST = { WEBHOOK_RETRY_DELAYS_MS: '50,50,50', WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_POLL_MS: '50' };

async function hook(t: TestApp, app: TestAppTenant, receiver: WebhookReceiver, events: string[] | null = ['message.created']) {
  const created = await t.gql(CREATE, { input: { url: receiver.url, events } }, app.headers);
  expect(created.errors).toBeUndefined();
  receiver.secret = created.data!.createWebhook.secret;
  return created.data!.createWebhook.webhook.id as string;
}

async function send(t: TestApp, app: TestAppTenant, headers: Record<string, string>, text: string) {
  const sent = await t.gql(SEND, { r: app.lobbyId, input: { text } }, headers);
  expect(sent.errors).toBeUndefined();
  return sent.data!.sendMessage.id as string;
}

describe.each(testDrivers())('webhooks on %s', (driver) => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  const receiver = async (plan: ConstructorParameters<typeof WebhookReceiver>[0] = [], otherwise?: ConstructorParameters<typeof WebhookReceiver>[1]) => {
    const r = await new WebhookReceiver(plan, otherwise).start();
    receivers.push(r);
    return r;
  };
  beforeAll(async () => { t = await startApp(driver, FAST); });
  afterAll(async () => {
    await t.close();
    for (const r of receivers) await r.stop();
  });

  it('creates, lists, updates, rotates and deletes endpoints; the secret is whsec_ and shown once', async () => {
    const app = await t.factories.app();
    const r = await receiver();
    const created = await t.gql(CREATE, { input: { url: r.url, events: ['message.created', 'user.created'] } }, app.headers);
    expect(created.data!.createWebhook).toMatchObject({ webhook: { url: r.url, events: ['message.created', 'user.created'], enabled: true } });
    expect(created.data!.createWebhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
    const id = created.data!.createWebhook.webhook.id;
    expect((await t.gql(LIST, {}, app.headers)).data!.webhooks).toEqual([{ id, url: r.url, events: ['message.created', 'user.created'], enabled: true }]);
    const all = await t.gql(CREATE, { input: { url: r.url } }, app.headers);
    expect(all.data!.createWebhook.webhook.events).toContain('report.created');
    expect((await t.gql(UPDATE, { id, input: { enabled: false } }, app.headers)).data!.updateWebhook.enabled).toBe(false);
    const rotated = await t.gql(ROTATE, { id }, app.headers);
    expect(rotated.data!.rotateWebhookSecret.secret).not.toBe(created.data!.createWebhook.secret);
    expect((await t.gql(DELETE, { id }, app.headers)).data!.deleteWebhook).toEqual({ ok: true, reason: null });
    expect((await t.gql(DELETE, { id }, app.headers)).data!.deleteWebhook).toEqual({ ok: false, reason: 'Webhook not found' });
  });

  it('refuses URLs that are not http(s), point at the server itself, or events it does not know (BAD_USER_INPUT)', async () => {
    const app = await t.factories.app();
    const port = new URL(t.url).port;
    for (const url of ['ftp://example.com/x', 'not a url', 'file:///etc/passwd', `http://127.0.0.1:${port}/graphql`, `http://localhost:${port}/`, `http://[::1]:${port}/x`]) {
      expect(codeOf(await t.gql(CREATE, { input: { url } }, app.headers))).toBe('BAD_USER_INPUT');
    }
    expect(codeOf(await t.gql(CREATE, { input: { url: 'http://127.0.0.1:9/x', events: ['message.exploded'] } }, app.headers))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(CREATE, { input: { url: 'http://127.0.0.1:9/x', events: [] } }, app.headers))).toBe('BAD_USER_INPUT');
    // Unreachable is accepted: its deliveries fail visibly in the log.
    expect((await t.gql(CREATE, { input: { url: 'http://127.0.0.1:9/x' } }, app.headers)).errors).toBeUndefined();
    const user = await t.factories.user(app);
    expect(codeOf(await t.gql(CREATE, { input: { url: 'http://127.0.0.1:9/x' } }, user.headers))).toBe('FORBIDDEN');
  });

  it('keeps apps apart: another app sees neither endpoints nor deliveries (NOT_FOUND)', async () => {
    const a = await t.factories.app();
    const b = await t.factories.app();
    const r = await receiver();
    const id = await hook(t, a, r);
    const alice = await t.factories.user(a);
    await send(t, a, alice.headers, 'hi');
    const [delivery] = await waitFor('a delivery', async () => (await t.gql(DELIVERIES, { id }, a.headers)).data!.webhookDeliveries, (d: any[]) => d.length === 1);
    expect((await t.gql(LIST, {}, b.headers)).data!.webhooks).toEqual([]);
    expect(codeOf(await t.gql(DELIVERIES, { id }, b.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(REDELIVER, { id: delivery.id }, b.headers))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(UPDATE, { id, input: { enabled: false } }, b.headers))).toBe('NOT_FOUND');
    expect((await t.gql(DELETE, { id }, b.headers)).data!.deleteWebhook.ok).toBe(false);
  });

  it('retries after a 500 and a closed connection, then delivers once, signed (standardwebhooks verifies)', async () => {
    const app = await t.factories.app();
    const r = await receiver([500, 'close']);
    const id = await hook(t, app, r);
    const alice = await t.factories.user(app);
    const messageId = await send(t, app, alice.headers, 'hello hooks');
    await waitFor('the delivery', () => r.received.length, (n) => n === 1);
    const [got] = r.received;
    expect(got.body).toMatchObject({ type: 'message.created', data: { roomId: app.lobbyId, message: { id: messageId, text: 'hello hooks', author: { id: alice.id } } } });
    expect(new Date(got.body.timestamp).getTime()).toBeGreaterThan(0);
    expect(r.attempts).toEqual([got.id, got.id, got.id]); // webhook-id is the same on every attempt
    const [delivery] = (await waitFor('DELIVERED', async () => (await t.gql(DELIVERIES, { id }, app.headers)).data!.webhookDeliveries,
      (d: any[]) => d[0]?.status === 'DELIVERED'));
    expect(delivery).toMatchObject({ id: got.id, eventType: 'message.created', status: 'DELIVERED', attempts: 3, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
    expect(delivery.deliveredAt).not.toBeNull();
  });

  it('delivers a message whose payload passes 64 KB (MEDIUMTEXT on MySQL), in one piece', async () => {
    const app = await t.factories.app(undefined, { maxMessageLength: 65_000 });
    const r = await receiver();
    await hook(t, app, r);
    const alice = await t.factories.user(app);
    const text = 'x'.repeat(60_000);
    const meta = { note: 'y'.repeat(7_900) };
    const sent = await t.gql(SEND, { r: app.lobbyId, input: { text, meta } }, alice.headers);
    expect(sent.errors).toBeUndefined();
    await waitFor('the large delivery', () => r.received.length, (n) => n === 1);
    expect(Buffer.byteLength(JSON.stringify(r.received[0].body))).toBeGreaterThan(65_535);
    expect(r.received[0].body.data.message).toMatchObject({ id: sent.data!.sendMessage.id, text, meta });
  });

  it('marks FAILED after the last retry (a receiver that hangs past the time limit), and redeliver sends it again', async () => {
    const app = await t.factories.app();
    const r = await receiver(['hang', 500, 500, 500]);
    const id = await hook(t, app, r);
    const alice = await t.factories.user(app);
    await send(t, app, alice.headers, 'to a bad receiver');
    const [failed] = await waitFor('FAILED', async () => (await t.gql(DELIVERIES, { id }, app.headers)).data!.webhookDeliveries,
      (d: any[]) => d[0]?.status === 'FAILED', 10_000);
    expect(failed).toMatchObject({ attempts: 4, lastStatusCode: 500, lastError: 'HTTP 500' });
    expect(r.received).toEqual([]);
    const again = await t.gql(REDELIVER, { id: failed.id }, app.headers);
    expect(again.data!.redeliverWebhook).toMatchObject({ id: failed.id, status: 'PENDING', attempts: 0 });
    await waitFor('the redelivery', () => r.received.length, (n) => n === 1);
    expect(r.received[0].id).toBe(failed.id);
  });

  it('records a timeout as the last error while retrying, and sending messages never waits for receivers', async () => {
    const app = await t.factories.app(undefined, BULK_SENDING);
    const r = await receiver([], 'hang');
    const id = await hook(t, app, r);
    const alice = await t.factories.user(app);
    const started = Date.now();
    for (let i = 0; i < 20; i++) await send(t, app, alice.headers, `m${i}`);
    expect(Date.now() - started).toBeLessThan(2000);
    const deliveries = await waitFor('a timeout recorded', async () => (await t.gql(DELIVERIES, { id, limit: 100 }, app.headers)).data!.webhookDeliveries,
      (d: any[]) => d.length === 20 && d.some((x) => x.lastError?.startsWith('timed out')), 10_000);
    expect(deliveries.find((x: any) => x.lastError?.startsWith('timed out')).lastStatusCode).toBeNull();
    await t.gql(DELETE, { id }, app.headers);
  });

  it('delivers membership, room and user events with their documented data', async () => {
    const app = await t.factories.app();
    const r = await receiver();
    await hook(t, app, r, ['user.created', 'room.created', 'user.muted', 'member.joined', 'room.frozen']);
    const bob = await t.factories.user(app);
    const room = await t.gql(`mutation($m: [ID!]) { createRoom(input: { name: "r", memberIds: $m }) { id } }`, { m: [bob.id] }, app.headers);
    const roomId = room.data!.createRoom.id;
    await t.gql(`mutation($r: ID!, $u: ID!) { muteUser(roomId: $r, userId: $u, minutes: 5) { type } }`, { r: roomId, u: bob.id }, app.headers);
    await t.gql(`mutation($r: ID!) { freezeRoom(roomId: $r, frozen: true) { id } }`, { r: roomId }, app.headers);
    const types = await waitFor('five events', () => r.received.map((x) => x.body.type), (ts) => ts.length >= 5);
    expect([...types].sort()).toEqual(['member.joined', 'room.created', 'room.frozen', 'user.created', 'user.muted']);
    const byType = Object.fromEntries(r.received.map((x) => [x.body.type, x.body.data]));
    expect(byType['user.created']).toMatchObject({ user: { id: bob.id, uname: bob.uname } });
    expect(byType['room.created']).toMatchObject({ room: { id: roomId, name: 'r' } });
    expect(byType['member.joined']).toMatchObject({ type: 'JOINED', roomId, user: { id: bob.id } });
    expect(byType['user.muted']).toMatchObject({ type: 'MUTED', roomId, user: { id: bob.id } });
    expect(byType['room.frozen']).toMatchObject({ room: { id: roomId, frozen: true } });
  });
});

describe.each(testDrivers())('webhooks across a restart on %s', (driver) => {
  it('loses no pending delivery when the app stops while the receiver is down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wh-restart-'));
    const database = driver.name === 'sqlite' ? { url: `sqlite:${join(dir, 'chat.sqlite')}`, drop: async () => undefined } : await driver.provision();
    const r = new WebhookReceiver();
    await r.start();
    const port = r.port;
    await r.stop(); // down: every attempt is refused
    // Retries a second apart, 20 of them: the attempts fail (refused) and stay PENDING however
    // long a loaded machine takes to stop and start the app (4 retries ran out under load once).
    const slow = { ...FAST, WEBHOOK_RETRY_DELAYS_MS: Array(20).fill('1000').join(',') };
    let t = await startAppOn(driver, database.url, slow);
    try {
      const app = await t.factories.app(undefined, BULK_SENDING);
      const id = await hook(t, app, r);
      const alice = await t.factories.user(app);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await send(t, app, alice.headers, `pending ${i}`));
      await waitFor('failed attempts', async () => (await t.gql(DELIVERIES, { id }, app.headers)).data!.webhookDeliveries,
        (d: any[]) => d.length === 5 && d.every((x) => x.attempts >= 1 && x.status === 'PENDING'), 15_000);
      await t.close();
      await r.start(port);
      t = await startAppOn(driver, database.url, slow);
      await waitFor('all five after the restart', () => r.received.length, (n) => n >= 5, 20_000);
      expect(r.received.map((x) => x.body.data.message.id).sort()).toEqual([...ids].sort());
    } finally {
      await t.close();
      await r.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(testDrivers())('message.created materialised from the messages on %s', (driver) => {
  it('delivers messages sent right before the app stopped after the restart, and none sent before the endpoint existed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wh-materialise-'));
    const database = driver.name === 'sqlite' ? { url: `sqlite:${join(dir, 'chat.sqlite')}`, drop: async () => undefined } : await driver.provision();
    const r = await new WebhookReceiver([], 204).start();
    // A poll longer than the test: only the wake-up on the sends, or the start after the restart, materialises.
    const slowPoll = { ...FAST, WEBHOOK_POLL_MS: '60000' };
    let t = await startAppOn(driver, database.url, slowPoll);
    try {
      const app = await t.factories.app(undefined, BULK_SENDING);
      const alice = await t.factories.user(app);
      const before = await send(t, app, alice.headers, 'before the endpoint');
      await hook(t, app, r);
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => send(t, app, alice.headers, `then ${i}`)));
      await t.close(); // at once: the materialiser may not have read them
      t = await startAppOn(driver, database.url, slowPoll);
      await waitFor('the twenty after the restart', () => new Set(r.received.map((x) => x.id)).size, (n) => n >= 20, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // room for the earlier message to show up, were it sent
      // Deduplicated as receivers do (webhook-id): a POST the stop abandoned after the receiver had it is sent again.
      const byDelivery = new Map(r.received.map((x) => [x.id, x.body.data.message.id as string]));
      const received = [...byDelivery.values()];
      expect([...received].sort()).toEqual([...ids].sort());
      expect(received).not.toContain(before);
      expect(r.received[0].body).toMatchObject({ type: 'message.created', data: { roomId: app.lobbyId, message: { text: expect.stringMatching(/^then /) } } });
    } finally {
      await t.close();
      await r.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const mysqlOnly = testDrivers().some((d) => d.name === 'mysql') ? describe : describe.skip;

mysqlOnly('webhooks with two instances on MySQL', () => {
  it('sends each delivery once (webhook-id counted at the receiver)', async () => {
    const [a, b] = await startCluster(mysqlDriver, 2, { ...FAST, WEBHOOK_POLL_MS: '20', WEBHOOK_TIMEOUT_MS: '10000' });
    const r = await new WebhookReceiver([], 204).start();
    try {
      const app = await a.factories.app(undefined, BULK_SENDING);
      await hook(a, app, r);
      const alice = await a.factories.user(app);
      const sends: Promise<string>[] = [];
      for (let i = 0; i < 200; i++) sends.push(send(i % 2 ? a : b, app, alice.headers, `m${i}`));
      await Promise.all(sends);
      await waitFor('200 deliveries', () => r.received.length, (n) => n >= 200, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // room for a duplicate to show up, were there one
      expect(new Set(r.attempts).size).toBe(200);
      expect(r.attempts.length).toBe(200);
    } finally {
      await a.close();
      await b.close();
      await r.stop();
    }
  });
});
