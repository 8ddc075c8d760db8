import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { authedSocket, LegacyClient, legacySocket } from '../../support/legacy.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';

const PAGE = `query($r: ID!) { messages(roomId: $r, limit: 100) { nodes { id text author { uname } } } }`;

describe.each(testDrivers())('legacy new_message on %s', (driver) => {
  let t: TestApp;
  const open: LegacyClient[] = [];
  const track = <T extends { socket: LegacyClient }>(x: T) => { open.push(x.socket); return x; };
  const anonymous = async () => { const s = await legacySocket(t.url); open.push(s); return s; };
  const stored = async (app: TestAppTenant, reader: TestUser) =>
    (await t.gql(PAGE, { r: app.lobbyId }, reader.headers)).data!.messages.nodes.map((m: any) => m.text);
  beforeAll(async () => { t = await startApp(driver); });
  afterEach(() => { for (const s of open.splice(0)) s.close(); });
  afterAll(() => t.close());

  async function lobbyWithTwo() {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const bob = await t.factories.user(app);
    const a = track(await authedSocket(t.url, app.id, alice.hashedToken)).socket;
    const b = track(await authedSocket(t.url, app.id, bob.hashedToken)).socket;
    const watcher = track(await authedSocket(t.url, app.id)).socket;
    return { app, alice, bob, a, b, watcher };
  }

  it('stores a trimmed text, acks with no arguments, and broadcasts it once to every socket, the sender included', async () => {
    const { app, alice, a, b, watcher } = await lobbyWithTwo();
    await expect(a.request('new_message', '   hello lobby  ')).resolves.toEqual([]);
    const expected = { id: expect.any(Number), user: { uname: alice.uname, role: 'member' }, text: 'hello lobby' };
    for (const s of [a, b, watcher]) await expect(s.next('new_message')).resolves.toEqual(expected);
    const [message] = a.received.new_message;
    const page = (await t.gql(PAGE, { r: app.lobbyId }, alice.headers)).data!.messages.nodes;
    expect(page).toEqual([{ id: String(message.id), text: 'hello lobby', author: { uname: alice.uname } }]);
    // A later message is the next one everywhere: the first came once.
    await expect(b.request('new_message', 'a later marker')).resolves.toEqual([]);
    for (const s of [a, b, watcher]) await expect(s.next('new_message')).resolves.toMatchObject({ text: 'a later marker' });
  });

  it('keeps any other text starting with / as an ordinary message', async () => {
    const { a, b } = await lobbyWithTwo();
    for (const text of ['/whatever', '/me waves', '/muted x 1', '/mutex']) {
      await expect(a.request('new_message', text)).resolves.toEqual([]);
      await expect(b.next('new_message')).resolves.toMatchObject({ text });
    }
  });

  it('answers an anonymous socket USER_REQUIRED, and a socket before auth USER_REQUIRED with a client_error', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const before = await anonymous();
    await expect(before.request('new_message', 'hi')).resolves.toEqual(['USER_REQUIRED']);
    await expect(before.next('client_error')).resolves.toMatch(/auth/);
    const { socket: reader } = track(await authedSocket(t.url, app.id));
    await expect(reader.request('new_message', 'hi')).resolves.toEqual(['USER_REQUIRED']);
    // A later client_error (an unknown event) is the next one: the refusal itself sent none.
    reader.raw.emit('hello');
    await expect(reader.next('client_error')).resolves.toMatch(/Unknown event "hello"/);
    await expect(stored(app, alice)).resolves.toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['only whitespace', ' \n\t  '],
    ['351 characters', 'x'.repeat(351)],
    ['351 characters after trimming', `  ${'y'.repeat(351)}  `],
  ])('refuses %s text with a client_error and INVALID_TEXT, storing nothing', async (_, text) => {
    const { app, alice, a, b } = await lobbyWithTwo();
    await expect(a.request('new_message', text)).resolves.toEqual(['INVALID_TEXT']);
    await expect(a.next('client_error')).resolves.toMatch(/1-350/);
    await expect(stored(app, alice)).resolves.toEqual([]);
    await expect(a.request('new_message', 'a later marker')).resolves.toEqual([]);
    await expect(b.next('new_message')).resolves.toMatchObject({ text: 'a later marker' }); // nothing came before it
  });

  it('accepts exactly 350 characters, counted as the user sees them', async () => {
    const { a, b } = await lobbyWithTwo();
    await expect(a.request('new_message', '😀'.repeat(350))).resolves.toEqual([]);
    await expect(b.next('new_message')).resolves.toMatchObject({ text: '😀'.repeat(350) });
  });

  it('sends a client_error for an unknown event and for a missing ack callback, and the socket stays usable', async () => {
    const { alice, a, b } = await lobbyWithTwo();
    a.raw.emit('hello', { x: 1 });
    await expect(a.next('client_error')).resolves.toMatch(/Unknown event "hello"/);
    await expect(a.request('join_room', 'x')).resolves.toEqual(['UNKNOWN_EVENT']);
    await expect(a.next('client_error')).resolves.toMatch(/join_room/);
    a.raw.emit('new_message', 'no callback');
    await expect(a.next('client_error')).resolves.toMatch(/callback/);
    a.raw.emit('auth', { app_id: 1 });
    await expect(a.next('client_error')).resolves.toMatch(/callback/);
    await expect(a.request('new_message', 'after all that')).resolves.toEqual([]);
    // The next message b hears is this one: nothing of the above was broadcast before it.
    await expect(b.next('new_message')).resolves.toMatchObject({ text: 'after all that', user: { uname: alice.uname } });
  });

  // Thrown at every event: no crash, no broadcast, the right client_error and err.
  const MALFORMED: [string, unknown[]][] = [
    ['a number', [42]],
    ['null', [null]],
    ['true', [true]],
    ['an object', [{ text: 'hi' }]],
    ['a nested object', [{ a: { b: { c: { d: ['x'] } } } }]],
    ['an array', [['hi']]],
    ['an empty array', [[]]],
    ['two strings', ['hi', 'there']],
    ['nothing', []],
    ['a huge string', ['z'.repeat(500_000)]],
    ['binary', [Buffer.from('hi')]],
  ];

  it.each(MALFORMED)('new_message with %s: client_error and INVALID_TEXT (USER_REQUIRED when anonymous), nothing broadcast', async (_, args) => {
    const { app, alice, a, b, watcher } = await lobbyWithTwo();
    const answer = await a.request('new_message', ...args);
    expect(answer).toEqual(['INVALID_TEXT']);
    await expect(a.next('client_error')).resolves.toEqual(expect.any(String));
    await expect(watcher.request('new_message', ...args)).resolves.toEqual(['USER_REQUIRED']);
    await expect(stored(app, alice)).resolves.toEqual([]);
    await expect(a.request('new_message', 'still fine')).resolves.toEqual([]);
    await expect(b.next('new_message')).resolves.toMatchObject({ text: 'still fine' }); // nothing was broadcast before it
  });

  it.each(MALFORMED)('auth with %s: client_error and INVALID_APP_ID, then a proper auth works', async (_, args) => {
    const app = await t.factories.app();
    const s = await anonymous();
    await expect(s.request('auth', ...args)).resolves.toEqual(['INVALID_APP_ID']);
    await expect(s.next('client_error')).resolves.toEqual(expect.any(String));
    const [err] = await s.auth({ app_id: Number(app.id) });
    expect(err).toBeNull();
  });

  it.each([
    ['a number', 42],
    ['an object', { h: 1 }],
    ['an array', ['a'.repeat(64)]],
  ])('auth with a hashed_token that is %s: a client_error, then an anonymous answer', async (_, token) => {
    const app = await t.factories.app();
    const s = await anonymous();
    const [err, data] = await s.auth({ app_id: Number(app.id), hashed_token: token });
    expect(err).toBeNull();
    expect(data).not.toHaveProperty('user');
    await expect(s.next('client_error')).resolves.toMatch(/hashed_token must be a string/);
  });

  it.each(MALFORMED)('an unknown event with %s: client_error only', async (_, args) => {
    const { a, b } = await lobbyWithTwo();
    a.raw.emit('whatever', ...args);
    await expect(a.next('client_error')).resolves.toMatch(/Unknown event/);
    await expect(a.request('new_message', 'a later marker')).resolves.toEqual([]);
    await expect(b.next('new_message')).resolves.toMatchObject({ text: 'a later marker' }); // nothing was broadcast before it
  });

  it('answers a chat-rate flood with a system_message, and disconnects abuse far beyond chat rates', async () => {
    const { a, b } = await lobbyWithTwo();
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => a.request('new_message', `spam ${i}`)));
    expect(answers.filter((x) => x.length === 0)).toHaveLength(20);
    expect(answers.filter((x) => x[0] === 'RATE_LIMITED')).toHaveLength(5);
    await expect(a.next('system_message')).resolves.toMatch(/^Too many messages: wait \d+ s$/);
    expect(a.raw.connected).toBe(true);
    for (let i = 0; i < 20; i++) await b.next('new_message');
    // b's own later message is the next one: none of the 5 refused came (a is still held back).
    await expect(b.request('new_message', 'a later marker')).resolves.toEqual([]);
    await expect(b.next('new_message')).resolves.toMatchObject({ text: 'a later marker' });
    for (let i = 0; i < 400; i++) a.raw.emit('noise', i);
    await expect(a.disconnected()).resolves.toBe('io server disconnect');
    expect(b.raw.connected).toBe(true);
  });
});
