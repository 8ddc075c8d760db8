import { TestAppTenant, TestUser } from '../../support/factories.js';
import { UserRole } from '../../../src/users/user.model.js';
import { browserSuite, describeInBrowser, messageTexts, screenshot, WatchedPage } from './browser.js';

const JOIN = 'mutation($r: ID!) { joinRoom(roomId: $r) { joinedAt } }';
const SEND = 'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }';
const XSS = '<img src=x onerror=alert(1)>';

describeInBrowser('legacy chatbox page in Chromium', () => {
  const suite = browserSuite();

  async function openLegacy(app: TestAppTenant, user?: TestUser): Promise<WatchedPage> {
    const query = new URLSearchParams({ app_id: app.id, ...(user ? { hashed_token: user.hashedToken } : {}) });
    const tab = await suite.open(`${suite.t.url}/demo/legacy?${query}`);
    await tab.page.locator(user ? '#status.ok' : '#status', { hasText: user ? 'signed in as' : 'read only' }).waitFor();
    return tab;
  }

  async function openGraphql(user: TestUser): Promise<WatchedPage> {
    const tab = await suite.open(`${suite.t.url}/demo/graphql?token=${encodeURIComponent(user.token)}`);
    await tab.page.locator('#status.ok').waitFor();
    await tab.page.locator('#text:enabled').waitFor();
    return tab;
  }

  const say = async (tab: WatchedPage, text: string) => {
    await tab.page.locator('#text').fill(text);
    await tab.page.locator('#text').press('Enter');
  };

  async function staffAndMember() {
    const app = await suite.t.factories.app();
    const alice = await suite.t.factories.user(app, { uname: 'alice', role: UserRole.OWNER });
    const bob = await suite.t.factories.user(app, { uname: 'bob' });
    return { app, alice, bob };
  }

  it('lets two pages chat: history, users, messages, /mute and /unmute, system messages', async () => {
    const { app, alice, bob } = await staffAndMember();
    await suite.t.gql(JOIN, { r: app.lobbyId }, alice.headers);
    await suite.t.gql(SEND, { r: app.lobbyId, t: 'from before' }, alice.headers);

    const a = await openLegacy(app, alice);
    expect(await messageTexts(a.page)).toEqual(['from before']);
    const b = await openLegacy(app, bob);
    expect(await messageTexts(b.page)).toEqual(['from before']);
    await a.page.locator('#users li[data-uname="bob"]').waitFor();
    await b.page.locator('#users li[data-uname="alice"]').waitFor();

    await say(a, 'hi bob');
    await b.page.locator('#messages li.msg', { hasText: 'hi bob' }).waitFor();
    await say(b, 'hi alice');
    await a.page.locator('#messages li.msg', { hasText: 'hi alice' }).waitFor();
    expect(await messageTexts(a.page)).toEqual(['from before', 'hi bob', 'hi alice']);

    await say(a, '/mute bob 5');
    await b.page.locator('#mutes li[data-uname="bob"]').waitFor();
    await a.page.locator('#mutes li[data-uname="bob"]').waitFor();
    await a.page.locator('#messages li.system').first().waitFor();
    await say(b, 'can I talk?');
    await b.page.locator('#messages li.system').first().waitFor();
    await screenshot(b.page, 'legacy-page-bob-muted');

    await say(a, '/unmute bob');
    await b.page.locator('#mutes li').waitFor({ state: 'detached' });
    await say(b, 'thanks');
    await a.page.locator('#messages li.msg', { hasText: 'thanks' }).waitFor();
    expect(await messageTexts(a.page)).toEqual(['from before', 'hi bob', 'hi alice', 'thanks']);
    await screenshot(a.page, 'legacy-page-alice');

    await b.page.close();
    await a.page.locator('#users li[data-uname="bob"]').waitFor({ state: 'detached' });
    expect(a.errors).toEqual([]);
  }, 40_000);

  it('shows a script-like message as text, live and from history, and runs nothing', async () => {
    const { app, alice, bob } = await staffAndMember();
    const a = await openLegacy(app, alice);
    const b = await openLegacy(app, bob);
    await say(a, XSS);
    await b.page.locator('#messages li.msg', { hasText: XSS }).waitFor();
    const later = await openLegacy(app, bob);
    await later.page.locator('#messages li.msg', { hasText: XSS }).waitFor(); // from history
    await a.page.locator('#messages li.msg', { hasText: XSS }).waitFor();
    // Shown on all three: with no img element in the page, no onerror can run later either.
    for (const tab of [a, b, later]) {
      expect(await messageTexts(tab.page)).toEqual([XSS]);
      expect(await tab.page.locator('#messages img').count()).toBe(0);
      expect(tab.dialogs).toEqual([]);
    }
    await screenshot(later.page, 'legacy-page-xss');
  }, 30_000);

  it('reads without a hashed token, shows client errors, and asks when opened bare', async () => {
    const { app, alice } = await staffAndMember();
    const reader = await openLegacy(app);
    expect(await reader.page.locator('#text').isDisabled()).toBe(true);
    const a = await openLegacy(app, alice);
    await say(a, 'for readers too');
    await reader.page.locator('#messages li.msg', { hasText: 'for readers too' }).waitFor();

    const unknown = await suite.open(`${suite.t.url}/demo/legacy?app_id=987654`);
    await unknown.page.locator('#messages li.client-error').first().waitFor();
    await unknown.page.locator('#status.bad').waitFor();
    await screenshot(unknown.page, 'legacy-page-unknown-app');

    const bare = await suite.open(`${suite.t.url}/demo/legacy`);
    await bare.page.locator('#signin input[name=app_id]').waitFor();
    expect(await bare.page.locator('#chat').isHidden()).toBe(true);
    await screenshot(bare.page, 'legacy-page-signin');
    await bare.page.locator('#app_id').fill(app.id);
    await bare.page.locator('#hashed_token').fill(alice.hashedToken);
    await bare.page.locator('#signin button').click();
    await bare.page.locator('#status.ok', { hasText: 'signed in as alice' }).waitFor();
    await bare.page.locator('#messages li.msg', { hasText: 'for readers too' }).waitFor();
  }, 30_000);

  it('and the GraphQL page see each other\'s messages in the lobby', async () => {
    const { app, alice, bob } = await staffAndMember();
    const legacy = await openLegacy(app, alice);
    const graphql = await openGraphql(bob);
    await say(legacy, 'from the legacy page');
    await graphql.page.locator('#messages li.msg', { hasText: 'from the legacy page' }).waitFor();
    await say(graphql, 'from the GraphQL page');
    await legacy.page.locator('#messages li.msg', { hasText: 'from the GraphQL page' }).waitFor();
    expect(await messageTexts(legacy.page)).toEqual(['from the legacy page', 'from the GraphQL page']);
    expect(await messageTexts(graphql.page)).toEqual(['from the legacy page', 'from the GraphQL page']);
    await screenshot(legacy.page, 'lobby-legacy-side');
    await screenshot(graphql.page, 'lobby-graphql-side');
    expect([...legacy.errors, ...graphql.errors]).toEqual([]);
  }, 30_000);
});
