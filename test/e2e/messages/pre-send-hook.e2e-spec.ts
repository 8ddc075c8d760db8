import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf, GqlResult } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { waitFor } from '../../support/wait.js';

// The pre-send hook (issue 21): the app backend's URL sees each user's message before it is
// stored, signed the Standard Webhooks way, and allows, rejects or rewrites it; a hook that
// hangs, fails or answers garbage costs at most its timeout and is settled by onTimeout.
const SEND = `mutation($r: ID!, $t: String!, $c: String, $m: JSON) { sendMessage(roomId: $r, input: { text: $t, clientMsgId: $c, meta: $m }) { id text } }`;
const SEND_AS_APP = `mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id kind text } }`;
const HISTORY = `query($r: ID!) { messages(roomId: $r, limit: 100) { nodes { text } } }`;
const HOOK_FIELDS = 'preSendHook { url timeoutMs onTimeout }';
const SETTINGS = `query { appSettings { ${HOOK_FIELDS} } }`;
const UPDATE = `mutation($i: UpdateAppSettingsInput!) { updateAppSettings(input: $i) { ${HOOK_FIELDS} wordFilter { words mode } } }`;

/** The documented derivation, written out here so a change to the server's is caught. */
const signingSecret = (appSecret: string) => `whsec_${createHmac('sha256', appSecret).update('pre-send-hook').digest('base64')}`;

type Answer = (call: HookCall) => { status?: number; body?: string } | 'hang' | 'drop' | Promise<{ status?: number; body?: string }>;

interface HookCall {
  appId: string;
  headers: IncomingMessage['headers'];
  /** The body as verified with the app's derived secret (verification throwing fails the call with 401). */
  payload: any;
}

/** A real HTTP receiver: /hook/<appId> verifies the signature with that app's secret and answers as its app's `answer` says. */
class Receiver {
  readonly calls: HookCall[] = [];
  readonly answers = new Map<string, Answer>();
  readonly secrets = new Map<string, string>();
  readonly unverified: string[] = [];
  /** TCP connections the receiver accepted so far. */
  connections = 0;
  private readonly held = new Set<ServerResponse>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', () => { this.connections++; });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  hookOf(app: TestAppTenant, answer: Answer): string {
    this.secrets.set(app.id, app.secret);
    this.answers.set(app.id, answer);
    return `${this.url}/hook/${app.id}`;
  }

  callsOf(app: TestAppTenant): HookCall[] {
    return this.calls.filter((c) => c.appId === app.id);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const appId = req.url!.split('/')[2];
    let payload: any;
    try {
      payload = new Webhook(signingSecret(this.secrets.get(appId)!)).verify(Buffer.concat(chunks), req.headers as Record<string, string>);
    } catch (error) {
      this.unverified.push(String(error));
      res.writeHead(401).end();
      return;
    }
    const call = { appId, headers: req.headers, payload };
    this.calls.push(call);
    const answer = await this.answers.get(appId)!(call);
    if (answer === 'hang') {
      this.held.add(res);
      return;
    }
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(answer.body ?? '');
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const json = (value: unknown) => ({ body: JSON.stringify(value) });

describe.each(testDrivers())('pre-send hook on %s', (driver) => {
  let t: TestApp;
  const receiver = new Receiver();
  const sockets: LegacyClient[] = [];
  beforeAll(async () => {
    t = await startApp(driver);
    await receiver.start();
  });
  afterEach(() => { for (const s of sockets.splice(0)) s.close(); });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const setHook = async (app: TestAppTenant, hook: Record<string, unknown> | null) => {
    const result = await t.gql(UPDATE, { i: { preSendHook: hook } }, app.headers);
    expect(result.errors).toBeUndefined();
    return result.data!.updateAppSettings.preSendHook;
  };
  const withHook = async (answer: Answer, options: { timeoutMs?: number; onTimeout?: 'ALLOW' | 'REJECT' } = {}) => {
    const app = await t.factories.app();
    const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
    await setHook(app, { url: receiver.hookOf(app, answer), ...options });
    return { app, alice, bob };
  };
  const send = (app: TestAppTenant, user: TestUser, text: string, extra: { c?: string; m?: unknown } = {}): Promise<GqlResult> =>
    t.gql(SEND, { r: app.lobbyId, t: text, ...extra }, user.headers);
  const texts = async (app: TestAppTenant) => (await t.gql(HISTORY, { r: app.lobbyId }, app.headers)).data!.messages.nodes.map((m: any) => m.text);
  const legacy = async (app: TestAppTenant, user: TestUser) => {
    const { socket } = await authedSocket(t.url, app.id, user.hashedToken);
    sockets.push(socket);
    return socket;
  };
  const metric = async (outcome: string) => {
    const text = await fetch(`${t.url}/metrics`).then((r) => r.text());
    return Number(new RegExp(`^chat_pre_send_hook_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  describe('settings', () => {
    it('stores the hook with its defaults (500 ms, ALLOW), reads it back, and removes it with null', async () => {
      const app = await t.factories.app();
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: { preSendHook: null } } });
      const url = receiver.hookOf(app, () => json({ action: 'allow' }));
      await expect(setHook(app, { url })).resolves.toEqual({ url, timeoutMs: 500, onTimeout: 'ALLOW' });
      await expect(setHook(app, { url, timeoutMs: 50, onTimeout: 'REJECT' })).resolves.toEqual({ url, timeoutMs: 50, onTimeout: 'REJECT' });
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: { preSendHook: { url, timeoutMs: 50, onTimeout: 'REJECT' } } } });
      // Other settings leave it alone.
      await t.gql(UPDATE, { i: { duplicateWindowSeconds: 3 } }, app.headers);
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: { preSendHook: { url, timeoutMs: 50, onTimeout: 'REJECT' } } } });
      await expect(setHook(app, null)).resolves.toBeNull();
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: { preSendHook: null } } });
    });

    it.each([
      ['not a URL', { url: 'hook please' }, /is not a URL/],
      ['ftp', { url: 'ftp://127.0.0.1/hook' }, /only http and https/],
      ['javascript', { url: 'javascript:alert(1)' }, /only http and https/],
      ['credentials in the URL', { url: 'http://user:pw@127.0.0.1:9/hook' }, /user name or password/],
      ['a host that does not resolve', { url: 'http://no-such-host.invalid/hook' }, /does not resolve/],
      ['a timeout under 50 ms', { url: 'http://127.0.0.1:9/hook', timeoutMs: 10 }, /timeoutMs/],
      ['a timeout over 5000 ms', { url: 'http://127.0.0.1:9/hook', timeoutMs: 6000 }, /timeoutMs/],
      ['an unknown onTimeout', { url: 'http://127.0.0.1:9/hook', onTimeout: 'MAYBE' }, /./],
    ])('refuses %s with BAD_USER_INPUT and keeps the hook it had', async (_name, hook, message) => {
      const app = await t.factories.app();
      const url = receiver.hookOf(app, () => json({ action: 'allow' }));
      await setHook(app, { url });
      const result = await t.gql(UPDATE, { i: { preSendHook: hook } }, app.headers);
      expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(codeOf(result));
      expect(result.errors![0].message).toMatch(message);
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: { preSendHook: { url, timeoutMs: 500, onTimeout: 'ALLOW' } } } });
    });

    it('refuses this server itself, by its address and by localhost', async () => {
      const app = await t.factories.app();
      const port = new URL(t.url).port;
      for (const url of [`${t.url}/graphql`, `http://localhost:${port}/hook`, `http://0.0.0.0:${port}/`]) {
        const result = await t.gql(UPDATE, { i: { preSendHook: { url } } }, app.headers);
        expect([url, codeOf(result)]).toEqual([url, 'BAD_USER_INPUT']);
        expect(result.errors![0].message).toMatch(/this server itself/);
      }
    });

    it('lets only the app backend set it', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      const result = await t.gql(UPDATE, { i: { preSendHook: { url: `${receiver.url}/hook/${app.id}` } } }, alice.headers);
      expect(codeOf(result)).toBe('FORBIDDEN');
    });
  });

  it('allows: the hook gets the signed message.pre_send call, and the message is stored as sent', async () => {
    const { app, alice } = await withHook(() => json({ action: 'allow' }));
    const sent = await send(app, alice, '  hello there  ', { m: { mood: 'good' } });
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendMessage.text).toBe('hello there');
    const [call] = receiver.callsOf(app);
    expect(call.payload).toEqual({
      type: 'message.pre_send',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { roomId: app.lobbyId, author: { id: alice.id, uname: alice.uname }, text: 'hello there', kind: 'TEXT', meta: { mood: 'good' } },
    });
    expect(call.headers['webhook-id']).toMatch(/^msg_/);
    expect(call.headers['content-type']).toBe('application/json');
    expect(receiver.unverified).toEqual([]);
    await expect(texts(app)).resolves.toEqual(['hello there']);
  });

  it('rejects: GraphQL gets BAD_USER_INPUT with the reason, the legacy socket INVALID_TEXT and a system_message; nothing is stored', async () => {
    const { app, alice, bob } = await withHook(({ payload }) => (payload.data.text.includes('spam')
      ? json({ action: 'reject', reason: 'No spam here, please' }) : json({ action: 'allow' })));
    const refused = await send(app, alice, 'buy spam now');
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].message).toBe('No spam here, please');
    expect(refused.errors![0].extensions!.reason).toBe('pre_send_hook');
    const [a, b] = [await legacy(app, alice), await legacy(app, bob)];
    await expect(a.request('new_message', 'more spam')).resolves.toEqual(['INVALID_TEXT']);
    await expect(a.next('system_message')).resolves.toBe('No spam here, please');
    await expect(a.request('new_message', 'fine words')).resolves.toEqual([]);
    await expect(b.next('new_message')).resolves.toMatchObject({ text: 'fine words' });
    expect(b.received.new_message).toHaveLength(1);
    await expect(texts(app)).resolves.toEqual(['fine words']);
  });

  it('keeps its connection alive: ten messages in a row cost one TCP handshake, not ten', async () => {
    const { app, alice } = await withHook(() => json({ action: 'allow' }));
    await send(app, alice, 'warm up');
    const before = receiver.connections;
    for (let i = 0; i < 10; i++) await expect(send(app, alice, `again ${i}`)).resolves.toMatchObject({ data: { sendMessage: { text: `again ${i}` } } });
    expect(receiver.connections - before).toBeLessThanOrEqual(1);
  });

  it('rejects without a reason with a default one', async () => {
    const { app, alice } = await withHook(() => json({ action: 'reject' }));
    const refused = await send(app, alice, 'anything');
    expect([codeOf(refused), refused.errors![0].message]).toEqual(['BAD_USER_INPUT', 'The app refused this message']);
  });

  it('replaces: the new text is stored and broadcast, and passes the word filter again', async () => {
    const { app, alice, bob } = await withHook(({ payload }) => json({ action: 'replace', text: `${payload.data.text} (checked, darn)` }));
    const result = await t.gql(UPDATE, { i: { wordFilter: { words: ['darn'], mode: 'MASK' } } }, app.headers);
    expect(result.errors).toBeUndefined();
    const b = await legacy(app, bob);
    const sent = await send(app, alice, 'hi all');
    expect(sent.data!.sendMessage.text).toBe('hi all (checked, ****)');
    await expect(b.next('new_message')).resolves.toMatchObject({ text: 'hi all (checked, ****)' });
    await expect(texts(app)).resolves.toEqual(['hi all (checked, ****)']);
  });

  it('treats a replacement the app\'s rules refuse (too long, empty) as an invalid answer, settled by onTimeout', async () => {
    const { app, alice } = await withHook(({ payload }) => json({ action: 'replace', text: payload.data.text === 'long' ? 'x'.repeat(4001) : '   ' }));
    const before = await metric('invalid');
    await expect(send(app, alice, 'long')).resolves.toMatchObject({ data: { sendMessage: { text: 'long' } } });
    await expect(send(app, alice, 'blank')).resolves.toMatchObject({ data: { sendMessage: { text: 'blank' } } });
    expect(await metric('invalid')).toBe(before + 2);
  });

  it.each([['ALLOW'], ['REJECT']] as const)('times out after timeoutMs and then follows onTimeout %s, without holding the server', async (onTimeout) => {
    const { app, alice, bob } = await withHook(() => 'hang', { timeoutMs: 200, onTimeout });
    const before = await metric('timeout');
    const startedAt = Date.now();
    const result = await send(app, alice, 'are you there?');
    const took = Date.now() - startedAt;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(2000);
    if (onTimeout === 'ALLOW') {
      expect(result.data!.sendMessage.text).toBe('are you there?');
    } else {
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0].extensions!.reason).toBe('pre_send_hook_unavailable');
    }
    // Meanwhile the server answers everyone else, and the hook's own app too.
    const other = await t.factories.app();
    const carol = await t.factories.user(other);
    await expect(send(other, carol, 'elsewhere')).resolves.toMatchObject({ data: { sendMessage: { text: 'elsewhere' } } });
    const b = await legacy(app, bob);
    await expect(b.request('new_message', 'from bob')).resolves.toEqual(onTimeout === 'ALLOW' ? [] : ['INVALID_TEXT']);
    if (onTimeout === 'REJECT') await expect(b.next('system_message')).resolves.toBe('The app could not check this message in time; try again');
    expect(await metric('timeout')).toBe(before + 2);
    await expect(texts(app)).resolves.toEqual(onTimeout === 'ALLOW' ? ['are you there?', 'from bob'] : []);
  });

  it.each([
    ['not JSON', 'invalid', () => ({ body: 'ok!' })],
    ['an unknown action', 'invalid', () => json({ action: 'maybe' })],
    ['replace without text', 'invalid', () => json({ action: 'replace' })],
    ['a JSON array', 'invalid', () => json(['allow'])],
    ['an answer over 1 MB', 'invalid', () => json({ action: 'allow', padding: 'x'.repeat(1_100_000) })],
    ['HTTP 500', 'error', () => ({ status: 500, body: '{"action":"reject","reason":"x"}' })],
    ['a redirect', 'error', () => ({ status: 302 })],
    ['a closed connection', 'error', () => 'drop' as const],
  ] as [string, string, Answer][])('settles %s (counted as %s) by onTimeout: ALLOW stores, REJECT refuses', async (_name, outcome, answer) => {
    const before = await metric(outcome);
    const allowing = await withHook(answer, { onTimeout: 'ALLOW' });
    await expect(send(allowing.app, allowing.alice, 'let me in')).resolves.toMatchObject({ data: { sendMessage: { text: 'let me in' } } });
    const rejecting = await withHook(answer, { onTimeout: 'REJECT' });
    const refused = await send(rejecting.app, rejecting.alice, 'let me in');
    expect([codeOf(refused), refused.errors![0].extensions!.reason]).toEqual(['BAD_USER_INPUT', 'pre_send_hook_unavailable']);
    await expect(texts(rejecting.app)).resolves.toEqual([]);
    expect(await metric(outcome)).toBe(before + 2);
  });

  it('settles a receiver that is down by onTimeout', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(down.address() as AddressInfo).port}/hook`;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    await setHook(app, { url, onTimeout: 'ALLOW' });
    await expect(send(app, alice, 'anyone?')).resolves.toMatchObject({ data: { sendMessage: { text: 'anyone?' } } });
    await setHook(app, { url, onTimeout: 'REJECT' });
    expect(codeOf(await send(app, alice, 'anyone?'))).toBe('BAD_USER_INPUT');
  });

  it('is not called once removed, nor for the app backend\'s own sends', async () => {
    const { app, alice } = await withHook(() => json({ action: 'reject', reason: 'closed' }));
    await expect(t.gql(SEND_AS_APP, { r: app.lobbyId, t: 'notice' }, app.headers)).resolves.toMatchObject({ data: { sendMessage: { kind: 'SYSTEM', text: 'notice' } } });
    expect(codeOf(await send(app, alice, 'hi'))).toBe('BAD_USER_INPUT');
    expect(receiver.callsOf(app)).toHaveLength(1);
    await setHook(app, null);
    await expect(send(app, alice, 'hi again')).resolves.toMatchObject({ data: { sendMessage: { text: 'hi again' } } });
    expect(receiver.callsOf(app)).toHaveLength(1);
  });

  it('answers a resend (same clientMsgId) with the stored message without asking the hook again', async () => {
    const { app, alice } = await withHook(({ payload }) => json({ action: 'replace', text: payload.data.text.toUpperCase() }));
    const first = await send(app, alice, 'once', { c: 'k1' });
    expect(first.data!.sendMessage.text).toBe('ONCE');
    await expect(send(app, alice, 'once', { c: 'k1' })).resolves.toEqual(first);
    expect(receiver.callsOf(app)).toHaveLength(1);
  });

  it('asks about each message of a burst on its own clock, in parallel: none waits behind another\'s answer', async () => {
    const burst = 5;
    let release!: () => void;
    const allIn = new Promise<void>((resolve) => { release = resolve; });
    // Answers nothing until every message of the burst is being asked about: one at a time, the first would time out and be refused.
    const { app, alice } = await withHook(async () => {
      if (receiver.callsOf(app).length === burst) release();
      await allIn;
      return json({ action: 'allow' });
    }, { timeoutMs: 3000, onTimeout: 'REJECT' });
    const results = await Promise.all(Array.from({ length: burst }, (_, i) => send(app, alice, `burst ${i}`)));
    expect(results.map((r) => r.errors)).toEqual(Array(burst).fill(undefined));
    await waitFor('the burst stored', () => texts(app), (stored) => stored.length === burst);
  });
});
