import { TalkerApp } from '../../../src/accounts/talker-app.service.js';
import { UNCONFIRMED_TTL_MS, UnconfirmedAccountPruner } from '../../../src/accounts/unconfirmed-account-pruner.js';
import { scopeOf } from '../../../src/database/app-scope.js';
import { UsersService } from '../../../src/users/users.service.js';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { confirmationOf, Mailbox, startMailbox, talkerHttp, TalkerClient, talkerSocket } from '../../support/talker.js';

describe.each(testDrivers())('talker accounts on %s', (driver) => {
  let t: TestApp;
  let mailbox: Mailbox;
  const sockets: TalkerClient[] = [];
  const open = async (auth?: Record<string, unknown>) => {
    const socket = await talkerSocket(t.url, { auth });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    mailbox = await startMailbox();
    t = await startApp(driver, { SMTP_URL: mailbox.url, MAIL_FROM: 'talker@test.example', TALKER_LOGIN_ATTEMPTS_PER_ACCOUNT: '3' });
  });
  afterEach(() => { for (const socket of sockets.splice(0)) socket.close(); });
  afterAll(async () => {
    await t.close();
    await mailbox.close();
  });

  /** Registers over HTTP and confirms with what the mail said. */
  async function confirmed(username: string, hash = 'secret-hash') {
    const email = `${username}@Example.com`;
    const registered = await talkerHttp(t.url, '/register', { email, username, hash });
    expect(registered).toMatchObject({ status: 200, body: { id: expect.any(Number) } });
    const { id, uuid } = confirmationOf(await mailbox.next(email));
    expect(id).toBe(registered.body.id);
    await expect(talkerHttp(t.url, '/register/confirm', { id, uuid }, 'GET')).resolves.toEqual({ status: 200, body: { id, confirmed: true } });
    return { id, email: email.toLowerCase(), username, hash };
  }

  it('register → mail → confirm → login over the socket, by username and by email, and by handshake auth', async () => {
    const socket = await open();
    await expect(socket.next('address')).resolves.toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(socket.request('/isUsed/email', { email: 'ann@example.com' })).resolves.toBe(false);
    const registered = await socket.request('/register', { email: 'Ann@Example.com', username: 'ann', hash: 'h-ann' });
    expect(registered).toEqual({ id: expect.any(Number) });
    await expect(socket.next('/register')).resolves.toEqual(registered);
    const mail = await mailbox.next('ann@example.com');
    expect(mail.raw).toContain('From: talker@test.example');
    const { id, uuid } = confirmationOf(mail);

    // Not confirmed yet: the right password is told NOT_CONFIRMED, a wrong one WRONG_CREDENTIALS.
    await expect(socket.request('login', { login: 'ann', hash: 'h-ann' })).resolves.toMatchObject({ error: 'NOT_CONFIRMED' });
    await expect(socket.next('error')).resolves.toBe('NOT_CONFIRMED');
    await expect(socket.request('/register/confirm', { id, uuid: '00000000-0000-4000-8000-000000000000' })).resolves.toMatchObject({ error: 'NOT_FOUND' });
    await expect(socket.request('/register/confirm', { id: String(id), uuid })).resolves.toEqual({ id, confirmed: true });
    await expect(talkerHttp(t.url, '/isUsed/email', { email: 'ANN@example.com' }, 'GET')).resolves.toEqual({ status: 200, body: true });
    await expect(talkerHttp(t.url, '/isUsed/username', { username: 'ANN' })).resolves.toEqual({ status: 200, body: true });
    await expect(talkerHttp(t.url, '/isUsed/username', { username: 'nobody' })).resolves.toEqual({ status: 200, body: false });

    socket.raw.emit('login', { login: 'ann', hash: 'h-ann' });
    const login = await socket.next('login');
    expect(login).toEqual({ id, clientAddress: expect.any(String) });
    const byEmail = await open();
    await expect(byEmail.request('login', { login: 'ANN@example.com', hash: 'h-ann' })).resolves.toMatchObject({ id });
    const byHandshake = await open({ login: 'ann', hash: 'h-ann' });
    const other = await byHandshake.next('login');
    expect(other).toMatchObject({ id });
    expect(other.clientAddress).not.toBe(login.clientAddress);

    // logout ends that socket's session only; a second logout is NOT_LOGGED_IN.
    await expect(socket.request('logout')).resolves.toBe(true);
    await expect(socket.request('logout')).resolves.toMatchObject({ error: 'NOT_LOGGED_IN' });
    await expect(byHandshake.request('/search/users', { user_name: 'ann' })).resolves.toEqual([{ id, username: 'ann' }]);
  });

  it('refuses wrong passwords and unknown logins alike, then too many attempts even with the right one', async () => {
    const ann = await confirmed('wanda', 'right');
    const socket = await open();
    await expect(socket.request('login', { login: 'nobody-here', hash: 'x' })).resolves.toMatchObject({ error: 'WRONG_CREDENTIALS' });
    for (let i = 0; i < 3; i++) {
      await expect(socket.request('login', { login: ann.username, hash: `wrong-${i}` })).resolves.toMatchObject({ error: 'WRONG_CREDENTIALS' });
    }
    const refused = await socket.request('login', { login: ann.email, hash: 'right' });
    expect(refused).toMatchObject({ error: 'TOO_MANY_ATTEMPTS', message: expect.stringMatching(/wait \d+ s/) });
    expect(socket.unread('login')).toBe(0);
  });

  it('a handshake with wrong credentials stays connected, not logged in', async () => {
    await confirmed('hedy');
    const socket = await open({ login: 'hedy', hash: 'nope' });
    await expect(socket.next('error')).resolves.toBe('WRONG_CREDENTIALS');
    await expect(socket.request('logout')).resolves.toMatchObject({ error: 'NOT_LOGGED_IN' });
  });

  it('keeps email and username unique, and re-sends the confirmation to the same registration', async () => {
    await confirmed('taken');
    await expect(talkerHttp(t.url, '/register', { email: 'TAKEN@example.com', username: 'fresh1', hash: 'h' })).resolves.toMatchObject({ status: 409, body: { error: 'USED' } });
    await expect(talkerHttp(t.url, '/register', { email: 'fresh1@example.com', username: 'Taken', hash: 'h' })).resolves.toMatchObject({ status: 409, body: { error: 'USED' } });
    // Nothing half stored: the refused email is free, the refused username made no account.
    await expect(talkerHttp(t.url, '/isUsed/email', { email: 'fresh1@example.com' })).resolves.toEqual({ status: 200, body: false });

    const first = await talkerHttp(t.url, '/register', { email: 'twice@example.com', username: 'twice', hash: 'h2' });
    const old = confirmationOf(await mailbox.next('twice@example.com'));
    await expect(talkerHttp(t.url, '/register', { email: 'twice@example.com', username: 'twice', hash: 'other' })).resolves.toMatchObject({ status: 409 });
    const again = await talkerHttp(t.url, '/register', { email: 'twice@example.com', username: 'twice', hash: 'h2' });
    expect(again).toEqual(first);
    const latest = confirmationOf(await mailbox.next('twice@example.com'));
    expect(latest.uuid).not.toBe(old.uuid);
    await expect(talkerHttp(t.url, '/register/confirm', old)).resolves.toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    await expect(talkerHttp(t.url, '/register/confirm', latest)).resolves.toMatchObject({ status: 200 });
  });

  it('two registrations at once for one username, or one email: one {id}, the other USED, never a 500', async () => {
    for (let round = 0; round < 3; round++) {
      const name = `race${round}`;
      const sameName = await Promise.all([
        talkerHttp(t.url, '/register', { email: `${name}a@example.com`, username: name, hash: 'h' }),
        talkerHttp(t.url, '/register', { email: `${name}b@example.com`, username: name.toUpperCase(), hash: 'h' }),
      ]);
      expect(sameName.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(sameName.find((r) => r.status === 409)!.body).toMatchObject({ error: 'USED' });
      const sameEmail = await Promise.all([
        talkerHttp(t.url, '/register', { email: `${name}@example.com`, username: `${name}_x`, hash: 'h' }),
        talkerHttp(t.url, '/register', { email: `${name}@EXAMPLE.com`, username: `${name}_y`, hash: 'h' }),
      ]);
      expect(sameEmail.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(sameEmail.find((r) => r.status === 409)!.body).toMatchObject({ error: 'USED' });
    }
  });

  it('/search/users matches part of a username or email, lists confirmed accounts only, never emails', async () => {
    const zed = await confirmed('zed_search');
    await talkerHttp(t.url, '/register', { email: 'zed_unconfirmed@example.com', username: 'zed_pending', hash: 'h' });
    await mailbox.next('zed_unconfirmed@example.com');
    const byName = await talkerHttp(t.url, '/search/users', { user_name: 'ZED_' }, 'GET');
    expect(byName).toEqual({ status: 200, body: [{ id: zed.id, username: 'zed_search' }] });
    await expect(talkerHttp(t.url, '/search/users', { user_name: 'zed_search@exa' })).resolves.toEqual({ status: 200, body: [{ id: zed.id, username: 'zed_search' }] });
    await expect(talkerHttp(t.url, '/search/users', { user_name: '%' })).resolves.toEqual({ status: 200, body: [] });
    expect(JSON.stringify(byName.body)).not.toContain('@');
  });

  it('closes the sockets of a deleted user and ends their sessions', async () => {
    const gone = await confirmed('gone');
    const socket = await open({ login: 'gone', hash: gone.hash });
    await socket.next('login');
    const scope = scopeOf((await t.server.app.get(TalkerApp).scope()).appId);
    await t.server.app.get(UsersService).delete(scope, String(gone.id));
    await expect(socket.next('error')).resolves.toBe('NOT_LOGGED_IN');
    await expect(socket.disconnected()).resolves.toBe('io server disconnect');
    const again = await open();
    await expect(again.request('login', { login: 'gone', hash: gone.hash })).resolves.toMatchObject({ error: 'WRONG_CREDENTIALS' });
    await expect(talkerHttp(t.url, '/isUsed/email', { email: gone.email })).resolves.toEqual({ status: 200, body: false });
  });

  const BAD: [string, unknown][] = [
    ['/isUsed/email', {}], ['/isUsed/email', { email: 5 }], ['/isUsed/email', { email: 'not-an-email' }], ['/isUsed/email', { email: 'x'.repeat(400) }],
    ['/isUsed/username', { username: ['a'] }], ['/isUsed/username', { username: 'has space' }],
    ['/register', { email: 'a@b.co', username: 'ok' }], ['/register', { email: 'a@b.co', username: 'bad name', hash: 'h' }],
    ['/register', { email: 'a@b.co', username: 'ok', hash: 'h'.repeat(2000) }], ['/register', [1, 2]],
    ['/register/confirm', { id: 'abc', uuid: '00000000-0000-4000-8000-000000000000' }], ['/register/confirm', { id: 1, uuid: 'nope' }],
    ['/register/confirm', { id: -1, uuid: '00000000-0000-4000-8000-000000000000' }], ['/search/users', {}], ['/search/users', { user_name: '  ' }],
  ];

  it.each(BAD)('%s %j is BAD_REQUEST over HTTP and over the socket', async (route, payload) => {
    const http = await fetch(`${t.url}/talker${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    expect(http.status).toBe(400);
    await expect(http.json()).resolves.toMatchObject({ error: 'BAD_REQUEST', message: expect.any(String) });
    const socket = await open();
    await expect(socket.request(route, payload)).resolves.toMatchObject({ error: 'BAD_REQUEST' });
    await expect(socket.next('error')).resolves.toBe('BAD_REQUEST');
  });

  it('answers unknown routes and bad login payloads with a code', async () => {
    await expect(talkerHttp(t.url, '/nope', {})).resolves.toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    const socket = await open();
    await expect(socket.request('login', { login: 5 })).resolves.toMatchObject({ error: 'BAD_REQUEST' });
    await expect(socket.request('login', null)).resolves.toMatchObject({ error: 'BAD_REQUEST' });
    await expect(socket.request('/register', 'just a string')).resolves.toMatchObject({ error: 'BAD_REQUEST' });
  });

  it('answers a POST body that is not JSON, or too large, like any other talker error; other paths keep the server\'s own answer', async () => {
    const post = async (path: string, body: string, type = 'application/json') => {
      const response = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
      return { status: response.status, body: await response.json() };
    };
    await expect(post('/talker/register', '{"email": ')).resolves.toEqual({ status: 400, body: { error: 'BAD_REQUEST', message: expect.stringMatching(/^The body is not JSON/) } });
    await expect(post('/TALKER/isUsed/email', 'not json at all')).resolves.toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
    await expect(post('/talker/register', JSON.stringify({ email: 'x'.repeat(200_000) }))).resolves.toEqual({ status: 413, body: { error: 'TOO_LARGE', message: 'The body is too large' } });
    // Not JSON by its content type: the route sees no object.
    await expect(post('/talker/register', 'email=a', 'text/plain')).resolves.toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
    await expect(post('/demo/setup', '{bad')).resolves.toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
  });
  it('frees the email and username of a registration left unconfirmed for two days; confirmed accounts stay', async () => {
    const keeper = await confirmed('keeper');
    const pending = await talkerHttp(t.url, '/register', { email: 'squat@example.com', username: 'squatter', hash: 'h1' });
    const stale = confirmationOf(await mailbox.next('squat@example.com'));
    const pruner = t.server.app.get(UnconfirmedAccountPruner);
    await expect(pruner.prune()).resolves.toBe(0); // registered just now: kept
    await expect(talkerHttp(t.url, '/isUsed/email', { email: 'squat@example.com' })).resolves.toEqual({ status: 200, body: true });

    await expect(pruner.prune(Date.now() + UNCONFIRMED_TTL_MS + 1000)).resolves.toBeGreaterThanOrEqual(1);
    await expect(talkerHttp(t.url, '/isUsed/email', { email: 'squat@example.com' })).resolves.toEqual({ status: 200, body: false });
    await expect(talkerHttp(t.url, '/isUsed/username', { username: 'squatter' })).resolves.toEqual({ status: 200, body: false });
    await expect(talkerHttp(t.url, '/register/confirm', stale, 'GET')).resolves.toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    // The owner of the address registers it now, with a password of their own.
    const owner = await talkerHttp(t.url, '/register', { email: 'squat@example.com', username: 'rightful', hash: 'h2' });
    expect(owner).toMatchObject({ status: 200, body: { id: expect.any(Number) } });
    expect(owner.body.id).not.toBe(pending.body.id);
    await expect(talkerHttp(t.url, '/register/confirm', confirmationOf(await mailbox.next('squat@example.com')), 'GET')).resolves.toMatchObject({ status: 200 });
    const socket = await open();
    await expect(socket.request('login', { login: keeper.username, hash: keeper.hash })).resolves.toMatchObject({ id: keeper.id });
  });
});
