import { TestAppTenant, TestUser } from '../../support/factories.js';
import { browserSuite, describeInBrowser, messageTexts, screenshot } from './browser.js';

const JOIN = 'mutation($r: ID!) { joinRoom(roomId: $r) { joinedAt } }';
const SEND = 'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }';
// The app backend's sends are exempt from flood control: history is seeded that way.
const SEND_AS = 'mutation($r: ID!, $t: String!, $u: ID!) { sendMessage(roomId: $r, input: { text: $t, asUserId: $u }) { id } }';
const CREATE_ROOM = 'mutation($input: CreateRoomInput!) { createRoom(input: $input) { id } }';
const XSS = '<img src=x onerror=alert(1)>';

describeInBrowser('GraphQL chat page in Chromium', () => {
  const suite = browserSuite();

  const open = async (user: TestUser) => {
    const tab = await suite.open(`${suite.t.url}/demo/graphql?token=${encodeURIComponent(user.token)}`);
    await tab.page.locator('#status.ok').waitFor();
    await tab.page.locator('#text:enabled').waitFor();
    return tab;
  };

  async function lobbyPair(): Promise<{ app: TestAppTenant; alice: TestUser; bob: TestUser }> {
    const app = await suite.t.factories.app();
    return { app, alice: await suite.t.factories.user(app, { uname: 'alice' }), bob: await suite.t.factories.user(app, { uname: 'bob' }) };
  }

  it('lets two signed-in pages chat in the lobby, with a typing indicator', async () => {
    const { alice, bob } = await lobbyPair();
    const a = await open(alice);
    const b = await open(bob);
    await a.page.locator('#text').pressSequentially('hello b');
    await b.page.locator('#typing', { hasText: 'alice is typing…' }).waitFor();
    await a.page.locator('#text').press('Enter');
    await b.page.locator('#messages li.msg', { hasText: 'hello b' }).waitFor();
    await b.page.locator('#typing', { hasText: /^$/ }).waitFor();
    await b.page.locator('#text').fill('hello a');
    await b.page.locator('#send-button').click();
    await a.page.locator('#messages li.msg', { hasText: 'hello a' }).waitFor();
    expect(await messageTexts(a.page)).toEqual(['hello b', 'hello a']);
    expect(await messageTexts(b.page)).toEqual(['hello b', 'hello a']);
    await expect(a.page.locator('#messages li.msg .uname').allTextContents()).resolves.toEqual(['alice', 'bob']);
    await b.page.locator('#text').pressSequentially('typing…');
    await a.page.locator('#typing', { hasText: 'bob is typing…' }).waitFor();
    await screenshot(a.page, 'graphql-page-alice');
    await screenshot(b.page, 'graphql-page-bob');
    expect([...a.errors, ...b.errors]).toEqual([]);
  }, 30_000);

  it('shows a script-like message as text and runs nothing', async () => {
    const { alice, bob } = await lobbyPair();
    const a = await open(alice);
    const b = await open(bob);
    await a.page.locator('#text').fill(XSS);
    await a.page.locator('#text').press('Enter');
    await b.page.locator('#messages li.msg', { hasText: XSS }).waitFor();
    await a.page.locator('#messages li.msg', { hasText: XSS }).waitFor();
    // Shown on both: with no img element in the page, no onerror can run later either.
    for (const tab of [a, b]) {
      expect(await messageTexts(tab.page)).toEqual([XSS]);
      expect(await tab.page.locator('#messages img').count()).toBe(0);
      expect(tab.dialogs).toEqual([]);
    }
    await screenshot(b.page, 'graphql-page-xss');
  }, 30_000);

  it('pages history upward and counts unread messages of other rooms', async () => {
    const { app, alice, bob } = await lobbyPair();
    await suite.t.gql(JOIN, { r: app.lobbyId }, alice.headers);
    for (let i = 1; i <= 45; i++) {
      const sent = await suite.t.gql(SEND_AS, { r: app.lobbyId, t: `m${i}`, u: alice.id }, app.headers);
      expect(sent.errors).toBeUndefined();
    }
    const room = await suite.t.gql(CREATE_ROOM, { input: { key: 'side', name: 'Side room', type: 'GROUP', memberIds: [alice.id, bob.id] } }, app.headers);
    const sideId = room.data!.createRoom.id as string;
    const a = await open(alice);
    await a.page.locator('#messages li.msg', { hasText: 'm45' }).waitFor();
    expect(await messageTexts(a.page)).toEqual(Array.from({ length: 30 }, (_, i) => `m${i + 16}`));
    await a.page.locator('#older').click();
    await a.page.locator('#messages li.msg', { hasText: /^.*m1$/ }).first().waitFor();
    expect(await messageTexts(a.page)).toEqual(Array.from({ length: 45 }, (_, i) => `m${i + 1}`));
    await a.page.locator('#older').waitFor({ state: 'hidden' });

    await suite.t.gql(SEND, { r: sideId, t: 'psst' }, bob.headers);
    await suite.t.gql(SEND, { r: sideId, t: 'psst again' }, bob.headers);
    const side = a.page.locator('#rooms li', { hasText: 'Side room' });
    await side.locator('.badge', { hasText: '2' }).waitFor();
    await screenshot(a.page, 'graphql-page-unread');
    await side.click();
    await a.page.locator('#messages li.msg', { hasText: 'psst again' }).waitFor();
    expect(await messageTexts(a.page)).toEqual(['psst', 'psst again']);
    await side.locator('.badge').waitFor({ state: 'detached' });
    expect(a.errors).toEqual([]);
  }, 40_000);

  it('asks for a token when opened without one', async () => {
    const tab = await suite.open(`${suite.t.url}/demo/graphql`);
    await tab.page.locator('#signin input[name=token]').waitFor();
    expect(await tab.page.locator('#chat').isHidden()).toBe(true);
    await screenshot(tab.page, 'graphql-page-signin');
  });
});
