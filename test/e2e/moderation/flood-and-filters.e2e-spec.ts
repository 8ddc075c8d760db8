import { UserRole } from '../../../src/users/user.model.js';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf, GqlResult, Headers } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { untilClockPasses } from '../../support/wait.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

// Flood control, duplicate refusal and the word filter (issue 5): per-app settings the app
// backend changes, applied to every user's send on every transport; the app's own sends are exempt.
const SEND = `mutation($r: ID!, $t: String!, $c: String) { sendMessage(roomId: $r, input: { text: $t, clientMsgId: $c }) { id text } }`;
const SEND_AS_APP = `mutation($r: ID!, $t: String!, $as: ID) { sendMessage(roomId: $r, input: { text: $t, asUserId: $as }) { id kind } }`;
const EDIT = `mutation($id: ID!, $t: String!) { editMessage(id: $id, text: $t) { id text editedAt } }`;
const HISTORY = `query($r: ID!) { messages(roomId: $r, limit: 100) { nodes { text } } }`;
const GROUP = `mutation($m: [ID!]) { createRoom(input: { memberIds: $m }) { id } }`;
const SETTINGS = `query { appSettings { maxMessageLength rateLimit { count seconds } duplicateWindowSeconds wordFilter { words mode } allowedOrigins } }`;
const UPDATE = `mutation($i: UpdateAppSettingsInput!) { updateAppSettings(input: $i) {
  maxMessageLength rateLimit { count seconds } duplicateWindowSeconds wordFilter { words mode } allowedOrigins } }`;
const ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { text } }`;

const DEFAULTS = {
  maxMessageLength: 4000, rateLimit: { count: 20, seconds: 10 }, duplicateWindowSeconds: 0, wordFilter: { words: [], mode: 'MASK' }, allowedOrigins: [],
};

describe.each(testDrivers())('flood control and filters on %s', (driver) => {
  let t: TestApp;
  const sockets: LegacyClient[] = [];
  beforeAll(async () => { t = await startApp(driver); });
  afterEach(() => { for (const s of sockets.splice(0)) s.close(); });
  afterAll(() => t.close());

  const send = (roomId: string, headers: Headers, text: string, clientMsgId?: string): Promise<GqlResult> =>
    t.gql(SEND, { r: roomId, t: text, c: clientMsgId }, headers);
  const sent = async (roomId: string, user: TestUser, text: string) => {
    const result = await send(roomId, user.headers, text);
    expect(result.errors).toBeUndefined();
    return result.data!.sendMessage as { id: string; text: string };
  };
  const texts = async (roomId: string, reader: Headers) => (await t.gql(HISTORY, { r: roomId }, reader)).data!.messages.nodes.map((m: any) => m.text);
  const update = async (app: TestAppTenant, input: Record<string, unknown>) => {
    const result = await t.gql(UPDATE, { i: input }, app.headers);
    expect(result.errors).toBeUndefined();
    return result.data!.updateAppSettings;
  };

  describe('flood control', () => {
    it('refuses the 21st message in 10 seconds from one user in one room with RATE_LIMITED and retryAfterSeconds, and stores none of the refused', async () => {
      const app = await t.factories.app();
      const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
      for (let i = 1; i <= 20; i++) await sent(app.lobbyId, alice, `message ${i}`);
      const refused = await send(app.lobbyId, alice.headers, 'message 21');
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      expect(refused.data).toBeNull();
      const retry = refused.errors![0].extensions!.retryAfterSeconds as number;
      expect(Number.isInteger(retry)).toBe(true);
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(10);
      expect(refused.errors![0].message).toBe(`Too many messages: wait ${retry} s`);
      expect(codeOf(await send(app.lobbyId, alice.headers, 'message 22'))).toBe('RATE_LIMITED');
      // Someone else in the same room is counted on their own.
      await sent(app.lobbyId, bob, 'bob is fine');
      const stored = await texts(app.lobbyId, bob.headers);
      expect(stored).toHaveLength(21);
      expect(stored).not.toContain('message 21');
      expect(stored).not.toContain('message 22');
    });

    it('answers a resend of a stored message (same clientMsgId) with that message even while the sender is held back', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      const first = await send(app.lobbyId, alice.headers, 'message 1', 'k-first');
      for (let i = 2; i <= 20; i++) await sent(app.lobbyId, alice, `message ${i}`);
      expect(codeOf(await send(app.lobbyId, alice.headers, 'message 21', 'k-new'))).toBe('RATE_LIMITED');
      await expect(send(app.lobbyId, alice.headers, 'message 1', 'k-first')).resolves.toEqual(first);
      expect(codeOf(await send(app.lobbyId, alice.headers, 'message 21', 'k-new'))).toBe('RATE_LIMITED');
      expect(await texts(app.lobbyId, alice.headers)).toHaveLength(20);
    });

    it('counts each room separately', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      const room = (await t.gql(GROUP, { m: [alice.id] }, app.headers)).data!.createRoom.id;
      for (let i = 0; i < 20; i++) await sent(app.lobbyId, alice, `lobby ${i}`);
      expect(codeOf(await send(app.lobbyId, alice.headers, 'lobby again'))).toBe('RATE_LIMITED');
      for (let i = 0; i < 20; i++) await sent(room, alice, `group ${i}`);
      expect(codeOf(await send(room, alice.headers, 'group again'))).toBe('RATE_LIMITED');
    });

    it('never limits the app backend\'s own sends, SYSTEM or as one of its users, and they do not use up the user\'s allowance', async () => {
      const app = await t.factories.app();
      const bot = await t.factories.user(app);
      for (let i = 0; i < 25; i++) {
        const system = await t.gql(SEND_AS_APP, { r: app.lobbyId, t: `notice ${i}` }, app.headers);
        expect([i, codeOf(system), system.data?.sendMessage.kind]).toEqual([i, undefined, 'SYSTEM']);
        const asBot = await t.gql(SEND_AS_APP, { r: app.lobbyId, t: `bot says ${i}`, as: bot.id }, app.headers);
        expect([i, codeOf(asBot), asBot.data?.sendMessage.kind]).toEqual([i, undefined, 'TEXT']);
      }
      for (let i = 0; i < 20; i++) await sent(app.lobbyId, bot, `bot itself ${i}`);
      expect(codeOf(await send(app.lobbyId, bot.headers, 'one too many'))).toBe('RATE_LIMITED');
    });

    it('follows the rate the app backend sets, which appSettings reads back; other apps keep theirs', async () => {
      const app = await t.factories.app();
      const other = await t.factories.app();
      const [alice, carol] = [await t.factories.user(app), await t.factories.user(other)];
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: DEFAULTS } });
      await expect(update(app, { rateLimit: { count: 3, seconds: 60 } })).resolves.toEqual({ ...DEFAULTS, rateLimit: { count: 3, seconds: 60 } });
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: { ...DEFAULTS, rateLimit: { count: 3, seconds: 60 } } } });
      for (let i = 0; i < 3; i++) await sent(app.lobbyId, alice, `slow ${i}`);
      const refused = await send(app.lobbyId, alice.headers, 'slow 3');
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      expect(refused.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(50);
      expect(refused.errors![0].extensions!.retryAfterSeconds).toBeLessThanOrEqual(60);
      await expect(t.gql(SETTINGS, {}, other.headers)).resolves.toEqual({ data: { appSettings: DEFAULTS } });
      for (let i = 0; i < 4; i++) await sent(other.lobbyId, carol, `fast ${i}`);
      // Other settings stay when one changes.
      await expect(update(app, { duplicateWindowSeconds: 5 })).resolves.toEqual({ ...DEFAULTS, rateLimit: { count: 3, seconds: 60 }, duplicateWindowSeconds: 5 });
    });

    it('lets the window pass: a user limited at 2 per 2 seconds may send again once retryAfterSeconds have gone by', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      await update(app, { rateLimit: { count: 2, seconds: 2 } });
      await sent(app.lobbyId, alice, 'one');
      await sent(app.lobbyId, alice, 'two');
      const refused = await send(app.lobbyId, alice.headers, 'three');
      const refusedAt = Date.now();
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      const retry = refused.errors![0].extensions!.retryAfterSeconds as number;
      expect([1, 2]).toContain(retry);
      // The window ends within retryAfterSeconds of the refusal, so by then from its arrival: waiting for the limiter instead would not test the number.
      await untilClockPasses(refusedAt + retry * 1000);
      await sent(app.lobbyId, alice, 'three, later');
    });
  });

  describe('settings', () => {
    it('lets only the app backend read and change them: a user, even the app\'s owner, gets FORBIDDEN; no credentials UNAUTHENTICATED', async () => {
      const app = await t.factories.app();
      const owner = await t.factories.user(app, { role: UserRole.OWNER });
      for (const headers of [owner.headers, (await t.factories.user(app)).headers]) {
        expect(codeOf(await t.gql(SETTINGS, {}, headers))).toBe('FORBIDDEN');
        expect(codeOf(await t.gql(UPDATE, { i: { rateLimit: { count: 1000, seconds: 1 } } }, headers))).toBe('FORBIDDEN');
      }
      expect(codeOf(await t.gql(UPDATE, { i: { duplicateWindowSeconds: 1 } }))).toBe('UNAUTHENTICATED');
      expect(codeOf(await t.gql(UPDATE, { i: { duplicateWindowSeconds: 1 } }, { ...app.headers, 'x-app-secret': 'wrong' }))).toBe('UNAUTHENTICATED');
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: DEFAULTS } });
    });

    const BAD: [string, Record<string, unknown>][] = [
      ['a rate of 0 messages', { rateLimit: { count: 0, seconds: 10 } }],
      ['a negative count', { rateLimit: { count: -5, seconds: 10 } }],
      ['a negative window', { rateLimit: { count: 5, seconds: -1 } }],
      ['a window of 0 seconds', { rateLimit: { count: 5, seconds: 0 } }],
      ['a rate without its window', { rateLimit: { count: 5 } }],
      ['a count above 10000', { rateLimit: { count: 10_001, seconds: 10 } }],
      ['a window over a day', { rateLimit: { count: 5, seconds: 86_401 } }],
      ['a negative duplicate window', { duplicateWindowSeconds: -1 }],
      ['a duplicate window over an hour', { duplicateWindowSeconds: 3601 }],
      ['1001 filtered words', { wordFilter: { words: Array.from({ length: 1001 }, (_, i) => `w${i}`), mode: 'MASK' } }],
      ['a filtered word of 65 characters', { wordFilter: { words: ['x'.repeat(65)], mode: 'MASK' } }],
      ['an empty filtered word', { wordFilter: { words: [''], mode: 'MASK' } }],
      ['a blank filtered word', { wordFilter: { words: ['   '], mode: 'REJECT' } }],
      ['an unknown filter mode', { wordFilter: { words: ['darn'], mode: 'BLOCK' } }],
      ['a message length of 0', { maxMessageLength: 0 }],
      ['a fractional count', { rateLimit: { count: 2.5, seconds: 10 } }],
      ['an unknown field', { floodLimit: 5 }],
    ];

    it.each(BAD)('refuses %s with BAD_USER_INPUT and changes nothing', async (_, input) => {
      const app = await t.factories.app();
      expect(codeOf(await t.gql(UPDATE, { i: input }, app.headers))).toBe('BAD_USER_INPUT');
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: DEFAULTS } });
    });

    it('accepts the limits themselves (1000 words, a word of 64 characters, a 1-second window, 10000 messages)', async () => {
      const app = await t.factories.app();
      const words = [...Array.from({ length: 999 }, (_, i) => `w${i}`.padStart(16, 'w')), 'z'.repeat(64)];
      const saved = await update(app, { wordFilter: { words, mode: 'REJECT' }, rateLimit: { count: 10_000, seconds: 1 }, duplicateWindowSeconds: 3600 });
      expect(saved.wordFilter.words).toEqual(words);
      expect(saved).toMatchObject({ rateLimit: { count: 10_000, seconds: 1 }, duplicateWindowSeconds: 3600, wordFilter: { mode: 'REJECT' } });
      const alice = await t.factories.user(app);
      await sent(app.lobbyId, alice, 'nothing filtered here');
      expect(codeOf(await send(app.lobbyId, alice.headers, `say ${words[500]}`))).toBe('BAD_USER_INPUT');
      expect(codeOf(await send(app.lobbyId, alice.headers, `say ${words[999]}!`))).toBe('BAD_USER_INPUT');
    });

    it('refuses settings too large to store (1000 words of 64 characters) with BAD_USER_INPUT on every driver, keeping the old ones', async () => {
      const app = await t.factories.app();
      await update(app, { wordFilter: { words: ['darn'], mode: 'MASK' } });
      const words = Array.from({ length: 1000 }, (_, i) => `${i}`.padStart(64, 'w'));
      const refused = await t.gql(UPDATE, { i: { wordFilter: { words, mode: 'REJECT' } } }, app.headers);
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].message).toMatch(/shorten the word list/);
      await expect(t.gql(SETTINGS, {}, app.headers)).resolves.toEqual({ data: { appSettings: { ...DEFAULTS, wordFilter: { words: ['darn'], mode: 'MASK' } } } });
    });

    it('takes an explicit null as "back to the default", and messages keep flowing', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      await update(app, { rateLimit: { count: 2, seconds: 60 }, wordFilter: { words: ['darn'], mode: 'REJECT' }, duplicateWindowSeconds: 30 });
      await expect(update(app, { rateLimit: null, wordFilter: null, duplicateWindowSeconds: null, maxMessageLength: null, allowedOrigins: null }))
        .resolves.toEqual(DEFAULTS);
      for (let i = 0; i < 3; i++) await sent(app.lobbyId, alice, 'darn it');
    });
  });

  describe('duplicates', () => {
    it('allows the same text twice by default', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      const first = await sent(app.lobbyId, alice, 'gg');
      const second = await sent(app.lobbyId, alice, 'gg');
      expect(second.id).not.toBe(first.id);
      await expect(texts(app.lobbyId, alice.headers)).resolves.toEqual(['gg', 'gg']);
    });

    it('refuses the same text (any case, any surrounding spaces) from the same user in the same room within the window, once set', async () => {
      const app = await t.factories.app();
      const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
      const room = (await t.gql(GROUP, { m: [alice.id] }, app.headers)).data!.createRoom.id;
      await update(app, { duplicateWindowSeconds: 2 });
      const first = await sent(app.lobbyId, alice, 'buy gold');
      const windowEnds = Date.now() + 2000; // it began before this answer arrived
      for (const text of ['buy gold', '  BUY Gold ']) {
        const refused = await send(app.lobbyId, alice.headers, text);
        expect([text, codeOf(refused), refused.errors?.[0].extensions?.reason]).toEqual([text, 'BAD_USER_INPUT', 'duplicate']);
      }
      // A retry with the same clientMsgId is not a duplicate: it gets the first message back.
      const keyed = await send(app.lobbyId, alice.headers, 'keyed', 'k-1');
      await expect(send(app.lobbyId, alice.headers, 'keyed', 'k-1')).resolves.toEqual(keyed);
      await sent(app.lobbyId, alice, 'buy gold now');
      await sent(app.lobbyId, bob, 'buy gold');
      await sent(room, alice, 'buy gold');
      await untilClockPasses(windowEnds); // the window itself is under test: polling until a send passes would not check its length
      const later = await sent(app.lobbyId, alice, 'buy gold');
      expect(later.id).not.toBe(first.id);
      await expect(texts(app.lobbyId, bob.headers)).resolves.toEqual(['buy gold', 'keyed', 'buy gold now', 'buy gold', 'buy gold']);
    });
  });

  describe('word filter', () => {
    it('masks listed words, whole words only and in any case, in sendMessage, editMessage and what subscribers receive', async () => {
      const app = await t.factories.app();
      const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
      await update(app, { wordFilter: { words: ['darn', 'heck', 'what the'], mode: 'MASK' } });
      const ws = gqlWsClient(t.url, { authorization: `Bearer ${bob.token}` });
      try {
        await connected(ws);
        const live = liveQueue(ws, ADDED, { r: app.lobbyId });
        const prober = await t.factories.user(app);
        const probes = await untilLive([live], (tag) => sent(app.lobbyId, prober, tag));
        const message = await sent(app.lobbyId, alice, 'Darn it, WHAT THE heck! darning socks, heckle, darn.');
        expect(message.text).toBe('**** it, ******** ****! darning socks, heckle, ****.');
        await expect(live.next()).resolves.toEqual({ data: { messageAdded: { text: '**** it, ******** ****! darning socks, heckle, ****.' } } });
        const edited = await t.gql(EDIT, { id: message.id, t: 'oh HECK, fine' }, alice.headers);
        expect(edited.data!.editMessage).toMatchObject({ id: message.id, text: 'oh ****, fine', editedAt: expect.any(String) });
        await expect(texts(app.lobbyId, bob.headers)).resolves.toEqual([...probes, 'oh ****, fine']);
        await expect(sent(app.lobbyId, alice, 'clean words only')).resolves.toMatchObject({ text: 'clean words only' });
        // The app backend's SYSTEM messages are its own words.
        await t.gql(SEND_AS_APP, { r: app.lobbyId, t: 'darn maintenance at noon' }, app.headers);
        await expect(texts(app.lobbyId, bob.headers)).resolves.toEqual([...probes, 'oh ****, fine', 'clean words only', 'darn maintenance at noon']);
      } finally {
        await ws.dispose();
      }
    });

    it('refuses messages and edits with a listed word in REJECT mode (BAD_USER_INPUT, reason word_filter), keeping the old text', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      await update(app, { wordFilter: { words: ['Darn'], mode: 'REJECT' } });
      const refused = await send(app.lobbyId, alice.headers, 'oh DARN');
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].extensions!.reason).toBe('word_filter');
      const kept = await sent(app.lobbyId, alice, 'darning is allowed');
      const edit = await t.gql(EDIT, { id: kept.id, t: 'darn, it is not' }, alice.headers);
      expect(codeOf(edit)).toBe('BAD_USER_INPUT');
      expect(edit.errors![0].extensions!.reason).toBe('word_filter');
      await expect(texts(app.lobbyId, alice.headers)).resolves.toEqual(['darning is allowed']);
      // Someone else's message stays FORBIDDEN to edit, filtered words or not.
      const bob = await t.factories.user(app);
      expect(codeOf(await t.gql(EDIT, { id: kept.id, t: 'darn' }, bob.headers))).toBe('FORBIDDEN');
      // Switching back to MASK takes effect at once.
      await update(app, { wordFilter: { words: ['darn'], mode: 'MASK' } });
      await expect(sent(app.lobbyId, alice, 'oh darn')).resolves.toMatchObject({ text: 'oh ****' });
      await update(app, { wordFilter: { words: [], mode: 'REJECT' } });
      await expect(sent(app.lobbyId, alice, 'oh darn')).resolves.toMatchObject({ text: 'oh darn' });
    });

    it('applies to the legacy socket: masked text in new_message to everyone, a refusal answered INVALID_TEXT with a system_message', async () => {
      const app = await t.factories.app();
      const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
      await update(app, { wordFilter: { words: ['darn'], mode: 'MASK' } });
      const { socket: a } = await authedSocket(t.url, app.id, alice.hashedToken);
      const { socket: b } = await authedSocket(t.url, app.id, bob.hashedToken);
      sockets.push(a, b);
      await expect(a.request('new_message', 'DARN this lag')).resolves.toEqual([]);
      for (const s of [a, b]) await expect(s.next('new_message')).resolves.toEqual({ id: expect.any(Number), user: { uname: alice.uname, role: 'member' }, text: '**** this lag' });
      await update(app, { wordFilter: { words: ['darn'], mode: 'REJECT' } });
      await expect(a.request('new_message', 'darn this lag')).resolves.toEqual(['INVALID_TEXT']);
      await expect(a.next('system_message')).resolves.toBe('The message contains a word this app does not allow');
      await expect(texts(app.lobbyId, bob.headers)).resolves.toEqual(['**** this lag']);
      // Nothing of the refusal reached bob: a later message is the next thing he gets.
      await expect(a.request('new_message', 'a clean marker')).resolves.toEqual([]);
      await expect(b.next('new_message')).resolves.toMatchObject({ text: 'a clean marker' });
      expect(b.unread('system_message')).toBe(0);
      // Duplicates are refused on the socket too.
      await update(app, { wordFilter: { words: [], mode: 'MASK' }, duplicateWindowSeconds: 30 });
      await expect(a.request('new_message', 'once')).resolves.toEqual([]);
      await expect(a.request('new_message', 'once')).resolves.toEqual(['INVALID_TEXT']);
      await expect(a.next('system_message')).resolves.toBe('You sent the same message within 30 s');
    });
  });
});
