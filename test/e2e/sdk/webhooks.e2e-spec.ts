import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatApiError, ChatClient, preSendSigningSecret } from '../../../packages/server-sdk/dist/esm/index.js';
import { startApp, TestApp } from '../../support/app.js';
import { sqliteDriver } from '../../support/drivers.js';
import { TestAppTenant, unique } from '../../support/factories.js';
import { waitFor } from '../../support/wait.js';

interface Received { body: string; headers: IncomingHttpHeaders }

/** A real HTTP receiver that answers 204 and keeps what it got, raw. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('server SDK webhooks and pre-send hook settings (sqlite)', () => {
  let t: TestApp;
  let tenant: TestAppTenant;
  let chat: ChatClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    t = await startApp(sqliteDriver);
    tenant = await t.factories.app();
    chat = new ChatClient({ url: t.url, appId: tenant.id, appSecret: tenant.secret });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const withText = (text: string) => (r: Received) => r.body.includes(JSON.stringify(text));

  it('create, list, deliveries, verify, redeliver, rotate, update, delete', async () => {
    const created = await chat.webhooks.create({ url: receiver.url, events: ['message.created'] });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.webhook).toMatchObject({ url: receiver.url, events: ['message.created'], enabled: true });
    await expect(chat.webhooks.list()).resolves.toEqual([created.webhook]);

    const bot = await chat.users.create({ uname: unique('bot'), isBot: true });
    await chat.messages.send(tenant.lobbyId, { text: 'first hook', asUserId: bot.id });
    const first = (await waitFor('the first delivery', () => receiver.received.find(withText('first hook'))))!;
    const event = chat.webhooks.verify<{ roomId: string; message: { text: string } }>(first.body, first.headers, created.secret);
    expect(event).toMatchObject({ type: 'message.created', data: { roomId: tenant.lobbyId, message: { text: 'first hook', author: { id: bot.id } } } });

    const [delivery] = await waitFor('a DELIVERED delivery', () => chat.webhooks.deliveries(created.webhook.id), (list) => list[0]?.status === 'DELIVERED');
    expect(delivery).toMatchObject({ webhookId: created.webhook.id, eventType: 'message.created', attempts: 1, lastStatusCode: 204 });
    const one = await waitFor('its attempt log', () => chat.webhooks.delivery(delivery.id), (d) => d?.attemptLog.length === 1);
    expect(one).toMatchObject({ id: delivery.id, payload: { type: 'message.created' }, attemptLog: [{ number: 1, statusCode: 204, error: null }] });
    await chat.webhooks.redeliver(delivery.id);
    await waitFor('the redelivery', () => receiver.received.filter(withText('first hook')).length, (n) => n === 2);

    const rotated = await chat.webhooks.rotateSecret(created.webhook.id);
    expect(rotated.secret).not.toBe(created.secret);
    await chat.messages.send(tenant.lobbyId, { text: 'after rotation', asUserId: bot.id });
    const later = (await waitFor('a delivery after rotation', () => receiver.received.find(withText('after rotation'))))!;
    expect(chat.webhooks.verify(later.body, later.headers, rotated.secret)).toMatchObject({ type: 'message.created' });
    expect(() => chat.webhooks.verify(later.body, later.headers, created.secret)).toThrow(ChatApiError);

    await expect(chat.webhooks.update(created.webhook.id, { enabled: false })).resolves.toMatchObject({ enabled: false });
    await expect(chat.webhooks.delete(created.webhook.id)).resolves.toMatchObject({ ok: true });
    await expect(chat.webhooks.list()).resolves.toEqual([]);
  });

  it('bad endpoint URLs are BAD_USER_INPUT', async () => {
    await expect(chat.webhooks.create({ url: 'ftp://example.com/x' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(chat.webhooks.create({ url: `${t.url}/graphql` })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(chat.webhooks.create({ url: receiver.url, events: ['no.such'] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('settings.update sets and removes the pre-send hook', async () => {
    const set = await chat.settings.update({ preSendHook: { url: receiver.url, timeoutMs: 300, onTimeout: 'REJECT' } });
    expect(set.preSendHook).toEqual({ url: receiver.url, timeoutMs: 300, onTimeout: 'REJECT' });
    await expect(chat.settings.get()).resolves.toMatchObject({ preSendHook: { url: receiver.url } });
    await expect(chat.settings.update({ preSendHook: null })).resolves.toMatchObject({ preSendHook: null });
    await expect(chat.settings.update({ preSendHook: { url: 'not a url' } })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('webhooks.verifyPreSend verifies the pre-send hook call with the app secret alone, and the answer of the hook is applied', async () => {
    // the derivation README "Pre-send hook" documents, pinned to the server's own test vector
    expect(preSendSigningSecret('test-app-secret')).toBe('whsec_Y5BLGavr3IeRCeZ5yvNdUZwZXtnTrj17rbHVsfWmZnw=');
    const calls: { verified: unknown; forged: unknown }[] = [];
    const hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let forged: unknown = null;
        try { chat.webhooks.verifyPreSend(body.replace('please', 'pleasE'), req.headers); } catch (error) { forged = error; }
        try {
          const event = chat.webhooks.verifyPreSend(body, req.headers);
          calls.push({ verified: event, forged });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ action: 'replace', text: `${event.data.text} (checked)` }));
        } catch (error) {
          calls.push({ verified: error, forged });
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hook.address() as { port: number };
      await chat.settings.update({ preSendHook: { url: `http://127.0.0.1:${port}/pre-send`, timeoutMs: 2_000, onTimeout: 'REJECT' } });
      const alice = await t.factories.user(tenant);
      const sent = await t.gql(`mutation($r: ID!) { sendMessage(roomId: $r, input: { text: "check please" }) { text } }`, { r: tenant.lobbyId }, alice.headers);
      expect(sent).toMatchObject({ data: { sendMessage: { text: 'check please (checked)' } } });
      expect(calls).toHaveLength(1);
      expect(calls[0].verified).toMatchObject({ type: 'message.pre_send', data: { roomId: tenant.lobbyId, text: 'check please', author: { id: alice.id, uname: alice.uname } } });
      expect(calls[0].forged).toBeInstanceOf(ChatApiError);
      expect(calls[0].forged).toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      await chat.settings.update({ preSendHook: null });
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });
});
