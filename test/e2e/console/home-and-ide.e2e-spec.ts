import { TEST_ADMIN_KEY } from '../../support/app.js';
import { browserSuite, describeInBrowser, screenshot, WatchedPage } from './browser.js';

const JOIN = 'mutation($r: ID!) { joinRoom(roomId: $r) { joinedAt } }';
const SEND = 'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }';

describeInBrowser('home page and GraphQL IDE in Chromium', () => {
  const suite = browserSuite();

  const open = (path: string) => suite.open(suite.t.url + path);

  const ide = (params: Record<string, string>) => open(`/graphql?${new URLSearchParams(params)}`);
  const run = async (tab: WatchedPage) => tab.page.locator('.graphiql-execute-button').click();
  const result = (tab: WatchedPage) => tab.page.locator('.result-window');

  it('makes a demo app in one click, whose links open two chatting tabs and the IDE as a user or the app', async () => {
    const home = await open('/');
    await home.page.locator('#admin-key').fill('not the key');
    await home.page.locator('#setup-button').click();
    await home.page.locator('#setup-error', { hasText: 'not the operator key' }).waitFor();

    await home.page.locator('#admin-key').fill(TEST_ADMIN_KEY);
    await home.page.locator('#setup-button').click();
    const alice = home.page.locator('#setup-result .user[data-uname="alice"]');
    await alice.waitFor();
    await home.page.locator('#setup-result .user[data-uname="bob"]').waitFor();
    await screenshot(home.page, 'home-after-setup');

    // The newcomer's two tabs: alice in the legacy chatbox, bob in the GraphQL chat, as the links open them.
    const href = (user: string, kind: string) => home.page.locator(`#setup-result .user[data-uname="${user}"] a.${kind}`).getAttribute('href');
    const legacyLink = await href('alice', 'legacy-link');
    expect(legacyLink).toMatch(/^\/demo\/legacy\?app_id=\d+&hashed_token=[0-9a-f]{64}$/);
    const graphqlLink = await href('bob', 'graphql-link');
    expect(graphqlLink).toMatch(/^\/demo\/graphql\?token=/);
    const legacy = await open(legacyLink!);
    await legacy.page.locator('#status.ok', { hasText: 'signed in as alice' }).waitFor();
    const chat = await open(graphqlLink!);
    await chat.page.locator('#whoami', { hasText: 'Signed in as bob' }).waitFor();
    await chat.page.locator('#text:enabled').waitFor();
    await legacy.page.locator('#text').fill('hello from tab one');
    await legacy.page.locator('#text').press('Enter');
    await chat.page.locator('#messages li.msg', { hasText: 'hello from tab one' }).waitFor();
    await chat.page.locator('#text').fill('hello from tab two');
    await chat.page.locator('#text').press('Enter');
    await legacy.page.locator('#messages li.msg', { hasText: 'hello from tab two' }).waitFor();

    // The IDE links carry the right headers: alice's token, and the app backend's id and secret.
    const asAlice = await open((await href('alice', 'graphiql-link'))!);
    await run(asAlice);
    await result(asAlice).filter({ hasText: '"uname": "alice"' }).waitFor();
    const asApp = await open((await home.page.locator('#setup-result a.graphiql-app-link').getAttribute('href'))!);
    await run(asApp);
    await result(asApp).filter({ hasText: '"total": 2' }).waitFor();
    await screenshot(asApp.page, 'graphiql-as-app-backend');

    // The one error is the browser's log line for the refused first try.
    expect(home.errors).toEqual([expect.stringContaining('401 (Unauthorized)')]);
    expect([...legacy.errors, ...chat.errors, ...asAlice.errors, ...asApp.errors]).toEqual([]);
  }, 40_000);

  it('serves GraphiQL, which runs a query with the headers of its header editor', async () => {
    const app = await suite.t.factories.app();
    const alice = await suite.t.factories.user(app, { uname: 'alice' });
    const tab = await ide({ query: '{ me { uname } }', headers: JSON.stringify({ Authorization: `Bearer ${alice.token}` }) });
    await tab.page.locator('.graphiql-editor-tool', { hasText: 'Headers' }).or(tab.page.locator('text=Headers')).first().waitFor();
    await run(tab);
    await result(tab).filter({ hasText: '"uname": "alice"' }).waitFor();
    await screenshot(tab.page, 'graphiql');
    expect(tab.errors).toEqual([]);
  }, 30_000);

  it('runs subscriptions over graphql-ws from GraphiQL', async () => {
    const app = await suite.t.factories.app();
    const alice = await suite.t.factories.user(app, { uname: 'alice' });
    await suite.t.gql(JOIN, { r: app.lobbyId }, alice.headers);
    const tab = await ide({
      query: 'subscription($r: ID!) { messageAdded(roomId: $r) { text } }',
      variables: JSON.stringify({ r: app.lobbyId }),
      headers: JSON.stringify({ Authorization: `Bearer ${alice.token}` }),
    });
    await run(tab);
    // Probes, more patient each time, until the IDE shows one: then its subscription is live.
    for (let i = 1, patience = 250; ; i++, patience = Math.min(patience * 2, 2000)) {
      await suite.t.gql(SEND, { r: app.lobbyId, t: `probe ${i}` }, alice.headers);
      if (await result(tab).filter({ hasText: 'probe' }).waitFor({ timeout: patience }).then(() => true, () => false)) break;
      if (i === 8) throw new Error('the IDE\'s subscription did not go live: no probe shown');
    }
    await suite.t.gql(SEND, { r: app.lobbyId, t: 'seen in the IDE' }, alice.headers);
    await result(tab).filter({ hasText: 'seen in the IDE' }).waitFor();
    await screenshot(tab.page, 'graphiql-subscription');
    expect(tab.errors).toEqual([]);
  }, 30_000);

  it('opens with a starter query and no error when given nothing', async () => {
    // GraphiQL keeps its tabs in localStorage: a first visit has none, so a context of its own.
    const tab = await suite.openFirstVisit(`${suite.t.url}/graphql`);
    await tab.page.locator('.graphiql-query-editor').waitFor();
    await tab.page.locator('.graphiql-query-editor', { hasText: 'myRooms' }).waitFor();
    expect(tab.errors).toEqual([]);
  }, 30_000);

  it('shows a talker confirmation mail in the Recent mails panel, with the operator key only', async () => {
    const email = `panel${Date.now()}@example.com`;
    const registered = await fetch(`${suite.t.url}/talker/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, username: `panel${Date.now() % 1_000_000}`, hash: 'secret-hash' }),
    });
    expect(registered.status).toBe(200);
    const { id } = (await registered.json()) as { id: number };

    const home = await open('/');
    await home.page.locator('#mails-key').fill('not the key');
    await home.page.locator('#mails-button').click();
    await home.page.locator('#mails-error', { hasText: 'not the operator key' }).waitFor();

    await home.page.locator('#mails-key').fill(TEST_ADMIN_KEY);
    await home.page.locator('#mails-button').click();
    const mail = home.page.locator('#mails-list .mail', { hasText: email });
    await mail.waitFor();
    expect(await mail.locator('pre').textContent()).toMatch(new RegExp(`id=${id}\\b[\\s\\S]*uuid=[0-9a-f-]{36}`));
    await screenshot(home.page, 'home-recent-mails');
    // the wrong key's 401 is the one failure the page saw; nothing threw
    expect(home.errors).toEqual([expect.stringContaining('status of 401')]);
  }, 30_000);
});
