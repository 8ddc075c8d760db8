import { createHash } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { startApp, TEST_ADMIN_KEY, TestApp } from '../../support/app.js';
import { asUser } from '../../support/clients.js';
import { sqliteDriver } from '../../support/drivers.js';
import { connected, gqlWsClient, liveQueue, untilLive } from '../../support/ws.js';

const PAGES = ['/', '/demo/legacy', '/demo/graphql'];
const OWN_SCRIPTS = ['dom.js', 'home.js', 'mails.js', 'legacy.js', 'graphql-chat.js', 'graphiql-page.js'];
const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

interface DemoSetupBody {
  app: { id: string; name: string; secret: string; lobbyId: string };
  users: { uname: string; role: string; token: string; hashedToken: string; links: { legacy: string; graphql: string; graphiql: string } }[];
  graphiql: string;
}

/** The src/href of every <script> and <link> of a page. */
const sourcesOf = (html: string) => [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);

describe('web console over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(sqliteDriver); });
  afterAll(() => t?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(t.url + path, { headers });

  it.each(PAGES)('serves %s as HTML with a same-origin-only policy', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<!doctype html>');
  });

  it('lets the legacy page connect to the chat server its chat_uri names, and to nothing a bad chat_uri says', async () => {
    const connectSrc = async (query: string) =>
      /connect-src ([^;]*)/.exec((await get(`/demo/legacy?${query}`)).headers.get('content-security-policy') ?? '')?.[1];
    await expect(connectSrc('')).resolves.toBe("'self'");
    await expect(connectSrc('app_id=1&chat_uri=HTTPS://Chat.Example:443/')).resolves.toBe("'self' https://chat.example wss://chat.example");
    await expect(connectSrc(`chat_uri=${encodeURIComponent('http://127.0.0.1:9')}`)).resolves.toBe("'self' http://127.0.0.1:9 ws://127.0.0.1:9");
    for (const bad of ["http://x.example 'unsafe-inline'", 'javascript:alert(1)', 'https://chat.example/path', '*']) {
      await expect(connectSrc(`chat_uri=${encodeURIComponent(bad)}`)).resolves.toBe("'self'");
    }
    await expect(connectSrc('chat_uri=a&chat_uri=b')).resolves.toBe("'self'");
  });

  it('serves every script and stylesheet the pages name, from this server only', async () => {
    const sources = new Set<string>();
    for (const path of [...PAGES, '/graphql']) {
      const html = await (await get(path, HTML)).text();
      for (const source of sourcesOf(html)) sources.add(source);
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    }
    expect([...sources].length).toBeGreaterThan(8);
    for (const source of sources) {
      if (source.startsWith('data:')) continue;
      expect(source).toMatch(/^\/console\/assets\/[\w.-]+$/);
      const response = await get(source);
      expect([source, response.status]).toEqual([source, 200]);
      expect(response.headers.get('content-type')).toMatch(source.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
    }
  });

  // node:http, not fetch: fetch adds "cache-control: no-cache" to a request with If-None-Match, which a server must answer in full.
  const rawGet = (path: string, headers: Record<string, string>) => new Promise<{ status: number; etag?: string; body: string }>((resolve, reject) => {
    httpGet(t.url + path, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve({ status: res.statusCode!, etag: res.headers.etag, body }));
    }).on('error', reject);
  });

  it.each(['/', '/console/assets/graphiql.min.js'])('lets a browser revalidate %s with its ETag (304, no body)', async (path) => {
    const first = await get(path, HTML);
    const etag = first.headers.get('etag');
    const body = Buffer.from(await first.arrayBuffer());
    expect(etag).toBe(`"${createHash('sha1').update(body).digest('base64url')}"`); // follows the bytes, so an upgrade is fetched anew
    expect(first.headers.get('cache-control')).toBe('no-cache');
    await expect(rawGet(path, { ...HTML, 'if-none-match': etag! })).resolves.toMatchObject({ status: 304, etag });
    const changed = await rawGet(path, { ...HTML, 'if-none-match': '"stale"' });
    expect(changed).toMatchObject({ status: 200, etag });
    expect(changed.body.length).toBeGreaterThan(100);
  });

  it('sends API answers without an ETag or an X-Powered-By header', async () => {
    const post = await fetch(`${t.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
    expect(post.headers.get('etag')).toBeNull();
    expect(post.headers.get('x-powered-by')).toBeNull();
    expect((await get('/health')).headers.get('etag')).toBeNull();
  });

  it('has no http(s) URL in its own scripts, so nothing is fetched from elsewhere', async () => {
    for (const name of OWN_SCRIPTS) {
      const body = await (await get(`/console/assets/${name}`)).text();
      expect([name, body.match(/https?:\/\/[^\s'"]+/g)]).toEqual([name, null]);
    }
  });

  it.each([
    '/console/assets/nope.js',
    '/console/assets/..%2F..%2Fpackage.json',
    '/console/assets/%2e%2e',
    '/console/assets/console.module.ts',
    '/console/assets/index.html',
  ])('answers 404 for %s: assets are an allow-list of names, never paths', async (path) => {
    expect((await get(path)).status).toBe(404);
  });

  it('gives browsers the GraphQL IDE on GET /graphql, and leaves the API to Apollo', async () => {
    const ide = await get('/graphql', HTML);
    expect(ide.status).toBe(200);
    expect(ide.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await ide.text()).toContain('/console/assets/graphiql.min.js');

    const api = await get('/graphql', { accept: 'application/json' });
    expect(api.headers.get('content-type')).not.toMatch(/^text\/html/);

    const post = await fetch(`${t.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...HTML }, body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('keeps graphql-ws on /graphql working', async () => {
    const app = await t.factories.app();
    const alice = await t.factories.user(app);
    await t.gql('mutation($r: ID!) { joinRoom(roomId: $r) { joinedAt } }', { r: app.lobbyId }, alice.headers);
    const client = gqlWsClient(t.url, { authorization: `Bearer ${alice.token}` });
    try {
      await connected(client);
      const live = liveQueue(client, 'subscription($r: ID!) { messageAdded(roomId: $r) { text } }', { r: app.lobbyId });
      await untilLive([live], (tag) => t.gql('mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: {text: $t}) { id } }', { r: app.lobbyId, t: tag }, alice.headers));
      await t.gql('mutation($r: ID!) { sendMessage(roomId: $r, input: {text: "over ws"}) { id } }', { r: app.lobbyId }, alice.headers);
      await expect(live.next()).resolves.toEqual({ data: { messageAdded: { text: 'over ws' } } });
      live.stop();
    } finally {
      await client.dispose();
    }
  });

  describe('POST /demo/setup', () => {
    const setup = (headers: Record<string, string> = {}) => fetch(`${t.url}/demo/setup`, { method: 'POST', headers });

    it('refuses without the operator key, and with a wrong one', async () => {
      expect((await setup()).status).toBe(401);
      expect((await setup({ 'x-admin-key': `${TEST_ADMIN_KEY}x` })).status).toBe(401);
      expect((await setup({ 'x-app-id': '1', 'x-app-secret': 'nope' })).status).toBe(401);
    });

    it('makes an app, two users and working tokens with links to both demo pages', async () => {
      const response = await setup({ 'x-admin-key': TEST_ADMIN_KEY });
      expect(response.status).toBe(201);
      const body = (await response.json()) as DemoSetupBody;
      expect(body.app).toEqual({ id: expect.stringMatching(/^\d+$/), name: expect.any(String), secret: expect.any(String), lobbyId: expect.stringMatching(/^\d+$/) });
      expect(body.users.map((u) => [u.uname, u.role])).toEqual([['alice', 'OWNER'], ['bob', 'MEMBER']]);
      for (const user of body.users) {
        expect(user.hashedToken).toBe(createHash('sha256').update(user.token).digest('hex'));
        expect(user.links.legacy).toBe(`/demo/legacy?app_id=${body.app.id}&hashed_token=${user.hashedToken}`);
        expect(user.links.graphql).toBe(`/demo/graphql?token=${encodeURIComponent(user.token)}`);
        expect(user.links.graphiql).toMatch(/^\/graphql\?/);
        const ideParams = new URLSearchParams(user.links.graphiql.slice('/graphql?'.length));
        expect(JSON.parse(ideParams.get('headers')!)).toEqual({ Authorization: `Bearer ${user.token}` });
        const me = await t.gql('{ me { uname } app { id } }', {}, asUser(user.token));
        expect(me.data).toEqual({ me: { uname: user.uname }, app: { id: body.app.id } });
      }
      const asApp = await t.gql('{ app { lobby { id } } }', {}, { 'x-app-id': body.app.id, 'x-app-secret': body.app.secret });
      expect(asApp.data).toEqual({ app: { lobby: { id: body.app.lobbyId } } });
      const ide = new URLSearchParams(body.graphiql.slice('/graphql?'.length));
      expect(JSON.parse(ide.get('headers')!)).toEqual({ 'x-app-id': body.app.id, 'x-app-secret': body.app.secret });
      const appQuery = await t.gql(ide.get('query')!, {}, JSON.parse(ide.get('headers')!));
      expect(appQuery.errors).toBeUndefined();
      expect(appQuery.data).toMatchObject({ users: { total: 2 } });
    });
  });
});

describe('web console in production', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startApp(sqliteDriver, { NODE_ENV: 'production' }); });
  afterAll(() => t?.close());

  it('has no demo setup (404, even with the operator key), but still serves the pages and the IDE', async () => {
    const response = await fetch(`${t.url}/demo/setup`, { method: 'POST', headers: { 'x-admin-key': TEST_ADMIN_KEY } });
    expect(response.status).toBe(404);
    expect((await fetch(`${t.url}/`)).status).toBe(200);
    expect((await fetch(`${t.url}/graphql`, { headers: HTML })).headers.get('content-type')).toMatch(/^text\/html/);
  });
});
