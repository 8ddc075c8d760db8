import { request } from 'node:http';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { LegacyClient, legacySocket, LegacyOptions } from '../../support/legacy.js';

// Cross-origin chatbox pages (the issue "old chatbox pages on their own sites must be able to
// connect"): the handshake answers any origin with credentials allowed, as the 1.x/2.x clients'
// long-polling needs; an app's allowedOrigins is judged at auth.
const UPDATE = `mutation($i: UpdateAppSettingsInput!) { updateAppSettings(input: $i) { allowedOrigins } }`;
const GAME = 'https://game.example';

interface HttpAnswer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A raw HTTP exchange, so the test sets Origin itself as a browser would (fetch may not). */
function http(url: string, method: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(testDrivers())('legacy sockets from other origins on %s', (driver) => {
  let t: TestApp;
  const open: LegacyClient[] = [];
  const socket = async (origin: string | undefined, options: LegacyOptions = {}) => {
    const s = await legacySocket(t.url, { ...options, headers: origin === undefined ? {} : { Origin: origin } });
    open.push(s);
    return s;
  };
  beforeAll(async () => { t = await startApp(driver); });
  afterEach(() => { for (const s of open.splice(0)) s.close(); });
  afterAll(() => t.close());

  describe.each([3, 4])('the long-polling handshake over EIO=%i', (eio) => {
    const origin = 'http://127.0.0.1:5999';

    it('reflects the origin and allows credentials, on the handshake and on the session\'s POST', async () => {
      const handshake = await http(`${t.url}/socket.io/?EIO=${eio}&transport=polling&t=a`, 'GET', { Origin: origin });
      expect(handshake.status).toBe(200);
      expect(handshake.headers['access-control-allow-origin']).toBe(origin);
      expect(handshake.headers['access-control-allow-credentials']).toBe('true');
      expect(String(handshake.headers.vary)).toMatch(/origin/i);
      const sid = /"sid":"([^"]+)"/.exec(handshake.body)?.[1];
      expect(sid).toBeDefined();

      // The client's next step: connect to the default namespace, posted with credentials.
      const packet = eio === 3 ? '2:40' : '40';
      const post = await http(`${t.url}/socket.io/?EIO=${eio}&transport=polling&t=b&sid=${sid}`, 'POST',
        { Origin: origin, 'Content-Type': 'text/plain;charset=UTF-8' }, packet);
      expect(post).toMatchObject({ status: 200, body: 'ok' });
      expect(post.headers['access-control-allow-origin']).toBe(origin);
      expect(post.headers['access-control-allow-credentials']).toBe('true');
    });

    it('refuses JSONP polling (a <script> load carries no Origin to judge) with a message, before any session', async () => {
      const jsonp = await http(`${t.url}/socket.io/?EIO=${eio}&transport=polling&t=c&j=0`, 'GET', {});
      expect(jsonp.status).toBe(403);
      expect(JSON.parse(jsonp.body)).toMatchObject({ message: 'JSONP polling is not served: connect with XHR polling or websocket' });
      expect(jsonp.body).not.toMatch(/"sid"/);
    });

    it('answers a preflight with the origin, credentials and the methods polling uses', async () => {
      const preflight = await http(`${t.url}/socket.io/?EIO=${eio}&transport=polling&t=c`, 'OPTIONS', {
        Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type',
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(origin);
      expect(preflight.headers['access-control-allow-credentials']).toBe('true');
      expect(String(preflight.headers['access-control-allow-methods'])).toMatch(/POST/);
    });
  });

  it('lets any origin in while the app lists none (the default)', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    const s = await socket('https://anywhere.example');
    const [err, data] = await s.auth({ app_id: Number(app.id), hashed_token: alice.hashedToken });
    expect(err).toBeNull();
    expect(data.user.uname).toBe(alice.uname);
  });

  it.each([
    ['socket.io-client 4, websocket', { client: 4, transport: 'websocket' }],
    ['socket.io-client 2, polling', { client: 2, transport: 'polling' }],
  ] as const)('with allowedOrigins set, accepts a listed origin however spelled and sockets without Origin (%s)', async (_, options) => {
    const app = await t.factories.app(undefined, { allowedOrigins: [GAME] });
    const alice = await t.factories.user(app);
    for (const origin of [GAME, 'HTTPS://Game.EXAMPLE:443', undefined]) {
      const s = await socket(origin, options);
      const [err, data] = await s.auth({ app_id: Number(app.id), hashed_token: alice.hashedToken });
      expect(err).toBeNull();
      expect(data.user.uname).toBe(alice.uname);
      await expect(s.request('new_message', `from ${origin ?? 'no origin'}`)).resolves.toEqual([]);
    }
  });

  it.each([
    ['socket.io-client 4, websocket', { client: 4, transport: 'websocket' }],
    ['socket.io-client 2, polling', { client: 2, transport: 'polling' }],
  ] as const)('with allowedOrigins set, refuses another origin with ORIGIN_NOT_ALLOWED, a client_error and a disconnect (%s)', async (_, options) => {
    const app = await t.factories.app(undefined, { allowedOrigins: [GAME] });
    const alice = await t.factories.user(app);
    for (const origin of ['https://evil.example', 'http://game.example', 'null']) {
      const s = await socket(origin, options);
      const [err, data] = await s.auth({ app_id: Number(app.id), hashed_token: alice.hashedToken });
      expect(err).toBe('ORIGIN_NOT_ALLOWED');
      expect(data).toBeUndefined();
      const text = await s.next('client_error');
      expect(text).toContain(JSON.stringify(origin));
      expect(text).toContain(`app ${app.id}`);
      await expect(s.disconnected()).resolves.toBe('io server disconnect');
    }
    // Nobody was counted as joined: a listed page sees an empty lobby.
    const listed = await socket(GAME, options);
    await expect(listed.auth({ app_id: Number(app.id) })).resolves.toEqual([null, { room: { users: {}, history: [], muteList: {} } }]);
  });

  it('judges the next auth by the settings as changed, and back to all origins when cleared', async () => {
    const app = await t.factories.app();
    const evil = 'https://evil.example';
    await expect((await socket(evil)).auth({ app_id: Number(app.id) })).resolves.toEqual([null, expect.anything()]);
    const set = await t.gql(UPDATE, { i: { allowedOrigins: [GAME] } }, app.headers);
    expect(set.data!.updateAppSettings.allowedOrigins).toEqual([GAME]);
    await expect((await socket(evil)).auth({ app_id: Number(app.id) })).resolves.toEqual(['ORIGIN_NOT_ALLOWED', undefined]);
    await t.gql(UPDATE, { i: { allowedOrigins: null } }, app.headers);
    await expect((await socket(evil)).auth({ app_id: Number(app.id) })).resolves.toEqual([null, expect.anything()]);
  });

  it('stores allowedOrigins normalized and without duplicates', async () => {
    const app = await t.factories.app();
    const result = await t.gql(UPDATE, { i: { allowedOrigins: ['HTTPS://Game.Example/', GAME, 'http://127.0.0.1:8080', 'http://localhost:80'] } }, app.headers);
    expect(result.errors).toBeUndefined();
    expect(result.data!.updateAppSettings.allowedOrigins).toEqual([GAME, 'http://127.0.0.1:8080', 'http://localhost']);
  });

  it.each(['game.example', 'https://game.example/chat', '*', 'null'])('refuses %j as an allowed origin with BAD_USER_INPUT, naming it', async (entry) => {
    const app = await t.factories.app();
    const result = await t.gql(UPDATE, { i: { allowedOrigins: [GAME, entry] } }, app.headers);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain(JSON.stringify(entry));
    const unchanged = await t.gql('query { appSettings { allowedOrigins } }', {}, app.headers);
    expect(unchanged.data!.appSettings.allowedOrigins).toEqual([]);
  });
});
