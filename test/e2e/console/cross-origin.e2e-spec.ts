import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { authedSocket, LegacyClient } from '../../support/legacy.js';
import { ROOT } from '../../support/processes.js';
import { browserSuite, ConsoleLine, describeInBrowser, messageTexts, screenshot, WatchedPage } from './browser.js';
import { PageServer, startPageServer } from './page-server.js';

// Old chatbox pages live on the game's own site and talk to the chat server on another origin.
// Here they do: a page server of their own on another port, Chromium, the browser bundles old
// pages ship. The page is the protocol document's "Full example" as printed (the fixture is a
// verbatim copy; only its three config values are filled in).
const FULL_EXAMPLE = readFileSync(join(ROOT, 'test/e2e/console/fixtures/moneypot-full-example.html'), 'utf8');
const BUNDLES = {
  'socket.io-client 1.7.4': 'node_modules/socket.io-client-v1/dist/socket.io.js',
  'socket.io-client 2.5.0': 'node_modules/socket.io-client-v2/dist/socket.io.js',
  'socket.io-client 4 (served with socket.io)': 'node_modules/socket.io/client-dist/socket.io.js',
} as const;
type Bundle = keyof typeof BUNDLES;
const bundleDir = (bundle: Bundle) => `/${Object.keys(BUNDLES).indexOf(bundle) + 1}`;
/** The console's legacy page and what it loads, as a site copying it would serve them. */
const CONSOLE_FILES = ['/demo/legacy', '/console/assets/console.css', '/console/assets/socket.io.min.js', '/console/assets/dom.js', '/console/assets/legacy.js'];

/** `text` with `from` (present exactly once) replaced by `to`. */
function fillOnce(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, () => to);
}

/** The Full example with this server, user and app in its config; nothing else changed. */
function fullExamplePage(chatUri: string, app: TestAppTenant, user: TestUser): string {
  let script = fillOnce(FULL_EXAMPLE, `chat_uri: 'https://a-chat-server.herokuapp.com',`, `chat_uri: '${chatUri}',`);
  script = fillOnce(script, `hashed_token: '5fef422fb4e79a1785868b87abb3d3932ea5621c23ab2e9b13ee2167f12542cb',`, `hashed_token: '${user.hashedToken}',`);
  script = fillOnce(script, 'app_id: 2\n', `app_id: ${Number(app.id)}\n`);
  // The client bundle as the document's "Here's how to connect" loads it, then the example.
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>A game's chatbox</title></head><body>\n`
    + `<script src="vendor/javascript/socket.io-client.js"></script>\n${script}</body></html>\n`;
}

/** A console line whose first argument is `first` (the example's "[socket] …" prefix). */
const line = (first: string) => (l: ConsoleLine) => l.args[0] === first;

/** The first console line the page printed that matches, waiting for it (10 s). */
async function logged(tab: WatchedPage, matches: (l: ConsoleLine) => boolean, what: string): Promise<ConsoleLine> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = tab.logs.find(matches);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`the page never logged ${what}; it logged ${JSON.stringify(tab.logs)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeInBrowser('chatbox pages on another origin, in Chromium', () => {
  const suite = browserSuite();
  let site: PageServer;
  const others: LegacyClient[] = [];
  let pages = 0;

  beforeAll(async () => {
    site = await startPageServer();
    suite.browser.allow(site.origin);
    for (const [bundle, file] of Object.entries(BUNDLES)) {
      site.files.set(`${bundleDir(bundle as Bundle)}/vendor/javascript/socket.io-client.js`, { type: 'text/javascript', body: readFileSync(join(ROOT, file)) });
    }
  });
  afterEach(() => { for (const s of others.splice(0)) s.close(); });
  afterAll(() => site?.close());

  /** Puts the Full example for this app and user on the game site; its URL. */
  function publish(bundle: Bundle, app: TestAppTenant, user: TestUser): string {
    const path = `${bundleDir(bundle)}/chat-${++pages}.html`;
    site.files.set(path, { type: 'text/html; charset=utf-8', body: fullExamplePage(suite.t.url, app, user) });
    return `${site.origin}${path}`;
  }

  /** Another chatbox in the same lobby (a Node client), signed in as `user`. */
  async function otherChatbox(app: TestAppTenant, user: TestUser): Promise<LegacyClient> {
    const { socket } = await authedSocket(suite.t.url, app.id, user.hashedToken);
    others.push(socket);
    return socket;
  }

  async function aliceAndBob(settings?: { allowedOrigins: string[] }) {
    const app = await suite.t.factories.app(undefined, settings);
    return { app, alice: await suite.t.factories.user(app, { uname: 'alice' }), bob: await suite.t.factories.user(app, { uname: 'bob' }) };
  }

  it.each(Object.keys(BUNDLES) as Bundle[])('runs the protocol document\'s Full example with %s: auth, Hello world to another chatbox, its answer back', async (bundle) => {
    const { app, alice, bob } = await aliceAndBob();
    const other = await otherChatbox(app, bob);
    const tab = await suite.open(publish(bundle, app, alice));

    const auth = await logged(tab, line('[socket] Auth success:'), 'Auth success');
    expect(auth.args[1]).toMatchObject({ user: { id: Number(alice.id), uname: 'alice', role: 'member' }, room: { history: [], muteList: {} } });
    await logged(tab, line('[socket] Successfully sent message to server'), 'the send');
    await expect(other.next('new_message')).resolves.toMatchObject({ text: 'Hello, world!', user: { uname: 'alice', role: 'member' } });

    await expect(other.request('new_message', 'Hello, alice!')).resolves.toEqual([]);
    const answer = await logged(tab, (l) => l.args[0] === '[socket] Received chat message:' && (l.args[1] as { text?: string })?.text === 'Hello, alice!', 'the answer');
    expect(answer.args[1]).toMatchObject({ text: 'Hello, alice!', user: { uname: 'bob', role: 'member' } });

    // Long-polling first, across origins with credentials, then the WebSocket upgrade.
    await tab.page.waitForFunction('window.socket.io.engine.transport.name === "websocket"'); // the example's global `socket`
    expect(tab.logs.filter(line('[socket] Connected'))).toHaveLength(1);
    expect(tab.errors).toEqual([]);
  }, 30_000);

  it.each(Object.keys(BUNDLES) as Bundle[])('refuses the Full example with %s where the app lists other origins, and runs it where the app lists this one', async (bundle) => {
    const refusing = await aliceAndBob({ allowedOrigins: ['https://game.example'] });
    const refused = await suite.open(publish(bundle, refusing.app, refusing.alice));
    await logged(refused, (l) => l.args[0] === '[socket] Auth failure:' && l.args[1] === 'ORIGIN_NOT_ALLOWED', 'Auth failure: ORIGIN_NOT_ALLOWED');
    const clientError = await logged(refused, line('[socket] Client error:'), 'the client error');
    expect(clientError.type).toBe('warning');
    expect(clientError.args[1]).toEqual(expect.stringContaining(`"${site.origin}" is not allowed to use app ${refusing.app.id}`));
    await logged(refused, line('[socket] Disconnected'), 'the server\'s disconnect');
    expect(refused.logs.filter(line('[socket] Auth success:'))).toEqual([]);

    const listing = await aliceAndBob({ allowedOrigins: ['https://game.example', site.origin] });
    const other = await otherChatbox(listing.app, listing.bob);
    const accepted = await suite.open(publish(bundle, listing.app, listing.alice));
    await logged(accepted, line('[socket] Auth success:'), 'Auth success');
    await expect(other.next('new_message')).resolves.toMatchObject({ text: 'Hello, world!', user: { uname: 'alice' } });
    expect([...refused.errors, ...accepted.errors]).toEqual([]);
  }, 30_000);

  describe('the console\'s legacy page', () => {
    const say = async (tab: WatchedPage, text: string) => {
      await tab.page.locator('#text').fill(text);
      await tab.page.locator('#text').press('Enter');
    };

    /** Chats as alice with a Node chatbox as bob: Hello, world! out, the answer in. */
    async function chatsAcross(tab: WatchedPage, other: LegacyClient) {
      await tab.page.locator('#status.ok', { hasText: 'signed in as alice' }).waitFor();
      await say(tab, 'Hello, world!');
      await expect(other.next('new_message')).resolves.toMatchObject({ text: 'Hello, world!', user: { uname: 'alice' } });
      await expect(other.request('new_message', 'Hello, alice!')).resolves.toEqual([]);
      await tab.page.locator('#messages li.msg', { hasText: 'Hello, alice!' }).waitFor();
      expect(await messageTexts(tab.page)).toEqual(['Hello, world!', 'Hello, alice!']);
      expect(tab.errors).toEqual([]);
    }

    const query = (app: TestAppTenant, user: TestUser) =>
      new URLSearchParams({ app_id: app.id, hashed_token: user.hashedToken, chat_uri: suite.t.url });

    it('copied onto another site works there, pointed at this server by chat_uri; an app listing other origins refuses it clearly', async () => {
      for (const path of CONSOLE_FILES) {
        const res = await fetch(`${suite.t.url}${path}`);
        expect(res.status).toBe(200);
        site.files.set(path, { type: res.headers.get('content-type')!, body: Buffer.from(await res.arrayBuffer()) });
      }
      const { app, alice, bob } = await aliceAndBob({ allowedOrigins: [site.origin] });
      const tab = await suite.open(`${site.origin}/demo/legacy?${query(app, alice)}`);
      await chatsAcross(tab, await otherChatbox(app, bob));
      await screenshot(tab.page, 'legacy-page-cross-origin');

      const refusing = await aliceAndBob({ allowedOrigins: ['https://game.example'] });
      const refused = await suite.open(`${site.origin}/demo/legacy?${query(refusing.app, refusing.alice)}`);
      await refused.page.locator('#status.bad', { hasText: 'closed by the server (auth failed: ORIGIN_NOT_ALLOWED)' }).waitFor();
      await refused.page.locator('#messages li.client-error', { hasText: `"${site.origin}" is not allowed to use app ${refusing.app.id}` }).waitFor();
      await screenshot(refused.page, 'legacy-page-origin-refused');
    }, 30_000);

    it('served by this server itself still connects when the app lists only other origins (its same-origin handshake carries no Origin)', async () => {
      const { app, alice, bob } = await aliceAndBob({ allowedOrigins: ['https://game.example'] });
      const tab = await suite.open(`${suite.t.url}/demo/legacy?${new URLSearchParams({ app_id: app.id, hashed_token: alice.hashedToken })}`);
      await chatsAcross(tab, await otherChatbox(app, bob));
    }, 30_000);

    it('served by this server under another name (localhost) reaches it by chat_uri, its CSP allowing that server', async () => {
      const port = new URL(suite.t.url).port;
      const otherName = `http://localhost:${port}`;
      suite.browser.allow(otherName);
      const { app, alice, bob } = await aliceAndBob();
      const tab = await suite.open(`${otherName}/demo/legacy?${query(app, alice)}`);
      expect(await tab.page.evaluate('location.origin')).toBe(otherName);
      await chatsAcross(tab, await otherChatbox(app, bob));
    }, 30_000);
  });
});
