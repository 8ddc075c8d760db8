import { startApp, TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant } from '../../support/factories.js';
import { waitFor } from '../../support/wait.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } secret } }`;
const SEND = `mutation($r: ID!, $input: SendMessageInput!) { sendMessage(roomId: $r, input: $input) { id } }`;
const DELIVERY = `query($id: ID!) { webhookDelivery(id: $id) { id eventType status attempts payload
  attemptLog { number startedAt durationMs statusCode error responseExcerpt } } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(webhookId: $id) { id attemptLog { number statusCode } } }`;
const REDELIVER = `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status } }`;

/** Retries 50 ms apart and a 400 ms time limit: four attempts run in about a second. */
const FAST = { WEBHOOK_RETRY_DELAYS_MS: '50,50,50', WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_POLL_MS: '50' };

describe.each(testDrivers())('webhook attempt log on %s', (driver) => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  beforeAll(async () => { t = await startApp(driver, FAST); });
  afterAll(async () => {
    await t.close();
    for (const r of receivers) await r.stop();
  });

  async function hooked(app: TestAppTenant, plan: ConstructorParameters<typeof WebhookReceiver>[0]) {
    const r = await new WebhookReceiver(plan).start();
    receivers.push(r);
    const created = await t.gql(CREATE, { input: { url: r.url, events: ['message.created'] } }, app.headers);
    expect(created.errors).toBeUndefined();
    r.secret = created.data!.createWebhook.secret;
    return { r, webhookId: created.data!.createWebhook.webhook.id as string };
  }

  async function send(app: TestAppTenant, text: string) {
    const alice = await t.factories.user(app);
    const sent = await t.gql(SEND, { r: app.lobbyId, input: { text } }, alice.headers);
    expect(sent.errors).toBeUndefined();
  }

  const delivery = (app: TestAppTenant, id: string) => t.gql(DELIVERY, { id }, app.headers);

  it('logs a 500 (with its body), a closed connection, a timeout and a 204 in order; redeliver adds attempts; other apps read nothing', async () => {
    const app = await t.factories.app();
    const { r } = await hooked(app, [{ status: 500, body: 'x'.repeat(3000) }, 'close', 'hang', 204]);
    await send(app, 'log me');
    await waitFor('the delivery', () => r.received.length, (n) => n === 1);
    const id = r.received[0].id;
    // The row and its log are two reads (a commit may fall between them): wait for both to show the fourth attempt.
    const got = await waitFor('four attempts logged', async () => (await delivery(app, id)).data!.webhookDelivery,
      (d: any) => d?.attemptLog.length === 4 && d.attempts === 4);
    expect(got).toMatchObject({ id, eventType: 'message.created', status: 'DELIVERED', attempts: 4 });
    expect(got.payload).toEqual(r.received[0].body); // the very body the receiver verified
    const log = got.attemptLog;
    expect(log.map((a: any) => a.number)).toEqual([1, 2, 3, 4]);
    expect(log.map((a: any) => a.statusCode)).toEqual([500, null, null, 204]);
    expect(log[0]).toMatchObject({ error: 'HTTP 500', responseExcerpt: 'x'.repeat(1024) });
    expect(log[1]).toMatchObject({ error: 'connection closed by the receiver', responseExcerpt: null });
    expect(log[2].error).toBe('timed out after 400 ms');
    expect(log[2].durationMs).toBeGreaterThanOrEqual(390);
    expect(log[3]).toMatchObject({ error: null, responseExcerpt: null });
    const started = log.map((a: any) => new Date(a.startedAt).getTime());
    expect([...started].sort((a, b) => a - b)).toEqual(started);

    const again = await t.gql(REDELIVER, { id }, app.headers);
    expect(again.errors).toBeUndefined();
    const after = await waitFor('the redelivery logged', async () => (await delivery(app, id)).data!.webhookDelivery,
      // The row and its log are two reads: the log may already hold the attempt the row read before it did not.
      (d: any) => d?.attemptLog.length === 5 && d.status !== 'PENDING');
    expect(after.attemptLog[4]).toMatchObject({ number: 1, statusCode: 204, error: null });
    expect(after.status).toBe('DELIVERED');

    const other = await t.factories.app();
    const seen = await delivery(other, id);
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.webhookDelivery).toBeNull();
    expect(codeOf(await t.gql(REDELIVER, { id }, other.headers))).toBe('NOT_FOUND');
  });

  it('lists the attempt logs of many deliveries at once, each its own', async () => {
    const app = await t.factories.app();
    const { r, webhookId } = await hooked(app, [500]);
    await send(app, 'one');
    await send(app, 'two');
    await send(app, 'three');
    await waitFor('three deliveries', () => r.received.length, (n) => n === 3);
    const list = await waitFor('their logs', async () => (await t.gql(DELIVERIES, { id: webhookId }, app.headers)).data!.webhookDeliveries,
      (d: any[]) => d.length === 3 && d.every((x) => x.attemptLog.at(-1)?.statusCode === 204));
    const lengths = list.map((d: any) => d.attemptLog.length).sort();
    expect(lengths).toEqual([1, 1, 2]); // the one that met the 500 tried twice
  });

  it('refuses a malformed id (BAD_USER_INPUT), a user caller (FORBIDDEN), and answers null for an unknown one', async () => {
    const app = await t.factories.app();
    expect(codeOf(await delivery(app, 'abc'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await delivery(app, '-1'))).toBe('BAD_USER_INPUT');
    const user = await t.factories.user(app);
    expect(codeOf(await t.gql(DELIVERY, { id: '1' }, user.headers))).toBe('FORBIDDEN');
    const unknown = await delivery(app, '999999999');
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data!.webhookDelivery).toBeNull();
  });
});
