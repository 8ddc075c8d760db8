import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { browserSuite, describeInBrowser, messageTexts, screenshot } from './browser.js';

const JOIN = 'mutation($r: ID!) { joinRoom(roomId: $r) { joinedAt } }';
const SEND = 'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, input: { text: $t }) { id } }';
// The app backend's sends are exempt from flood control: history is seeded that way.
const SEND_AS = 'mutation($r: ID!, $t: String!, $u: ID!) { sendMessage(roomId: $r, input: { text: $t, asUserId: $u }) { id } }';
const CREATE_ROOM = 'mutation($input: CreateRoomInput!) { createRoom(input: $input) { id } }';
const XSS = '<img src=x onerror=alert(1)>';

/** A real 640 × 480 PNG (a red and a blue half), made here with sharp. */
const makePng = () => sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 30, b: 30 } } })
  .composite([{ input: { create: { width: 320, height: 480, channels: 3, background: { r: 30, g: 30, b: 200 } } }, left: 320, top: 0 }])
  .png().toBuffer();

/** What these tests read of a DOM <img> in the page (the project's TypeScript has no DOM types). */
interface ImageNode {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  alt: string;
  parentElement: { getAttribute(name: string): string | null } | null;
  getAttribute(name: string): string | null;
  addEventListener(type: string, listener: () => void): void;
}

/** Waits until the message's inline image has loaded (fails if it cannot); its natural size and its link's path. */
async function loadedImage(page: Page, text: string): Promise<{ naturalWidth: number; naturalHeight: number; alt: string; href: string; src: string }> {
  const image = page.locator('#messages li.msg', { hasText: text }).locator('.attachments a.attachment.image img');
  await image.waitFor();
  await image.evaluate((node: ImageNode) => new Promise((resolve, reject) => {
    const failed = () => reject(new Error('the image did not load: ' + node.getAttribute('src')));
    if (node.complete) return node.naturalWidth > 0 ? resolve(true) : failed();
    node.addEventListener('load', () => resolve(true));
    node.addEventListener('error', failed);
  }));
  return image.evaluate((node: ImageNode) => ({
    naturalWidth: node.naturalWidth, naturalHeight: node.naturalHeight, alt: node.alt,
    href: node.parentElement!.getAttribute('href')!, src: node.getAttribute('src')!,
  }));
}

/** What GET of a URL answers inside the page (its cookies and origin; no headers added). */
const fetchInPage = (page: Page, url: string) => page.evaluate(async (href) => {
  const response = await fetch(href);
  return { status: response.status, type: response.headers.get('content-type'), bytes: (await response.arrayBuffer()).byteLength };
}, url);

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

  it('attaches a PNG on one page; both pages, and the history of a new one, show it inline', async () => {
    const { alice, bob } = await lobbyPair();
    const a = await open(alice);
    const b = await open(bob);
    const png = await makePng();
    await a.page.locator('#attach-button').waitFor();
    await a.page.locator('#file').setInputFiles({ name: 'red & blue.png', mimeType: 'image/png', buffer: png });
    await a.page.locator('#pending .pending-file', { hasText: 'red & blue.png' }).waitFor();
    await a.page.locator('#text').fill('a photo');
    await a.page.locator('#send-button').click();
    for (const tab of [b, a]) {
      const shown = await loadedImage(tab.page, 'a photo');
      expect(shown).toMatchObject({ naturalWidth: 320, naturalHeight: 240, alt: 'red & blue.png' });
      expect(shown.href).toMatch(/^\/media\//);
      // The link opens the file itself: the PNG's bytes, as image/png, without headers.
      await expect(fetchInPage(tab.page, shown.href)).resolves.toEqual({ status: 200, type: expect.stringMatching(/^image\/png/), bytes: png.length });
    }
    await a.page.locator('#pending').waitFor({ state: 'hidden' });
    await expect(a.page.locator('#text').inputValue()).resolves.toBe('');
    await screenshot(b.page, 'graphql-page-image');
    // History: a new page of bob's reads the message with fresh URLs and shows the image too.
    const later = await open(bob);
    await expect(loadedImage(later.page, 'a photo')).resolves.toMatchObject({ naturalWidth: 320, naturalHeight: 240 });
    expect([...a.errors, ...b.errors, ...later.errors]).toEqual([]);
  }, 40_000);

  it('sends a file without text as a download link with its name (as text) and size', async () => {
    const { alice, bob } = await lobbyPair();
    const a = await open(alice);
    const b = await open(bob);
    const name = `${XSS}.txt`;
    await a.page.locator('#file').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from('x'.repeat(2048)) });
    await a.page.locator('#send-button').click();
    for (const tab of [b, a]) {
      const link = tab.page.locator('#messages li.msg a.attachment.file');
      await link.waitFor();
      await expect(link.locator('.name').textContent()).resolves.toBe(name);
      await expect(link.locator('.size').textContent()).resolves.toBe('(2.0 KiB)');
      await expect(link.getAttribute('download')).resolves.toBe(name);
      const href = (await link.getAttribute('href'))!;
      expect(href).toMatch(/^\/media\//);
      await expect(fetchInPage(tab.page, href)).resolves.toMatchObject({ status: 200, bytes: 2048 });
      expect(await tab.page.locator('#messages img').count()).toBe(0);
      expect(tab.dialogs).toEqual([]);
    }
    await expect(messageTexts(b.page)).resolves.toEqual(['']);
    // The room list previews a message without text by its file's name.
    await b.page.locator('#rooms li .last', { hasText: `[file] ${name}` }).waitFor();
    await screenshot(b.page, 'graphql-page-file');
    expect([...a.errors, ...b.errors]).toEqual([]);
  }, 30_000);

  it('says why an upload was refused, keeps the file for another try, and sends nothing', async () => {
    const { app, alice, bob } = await lobbyPair();
    const limited = await suite.t.gql('mutation { updateAppSettings(input: { maxUploadBytes: 1000 }) { maxUploadBytes } }', {}, app.headers);
    expect(limited.errors).toBeUndefined();
    const a = await open(alice);
    const b = await open(bob);
    await a.page.locator('#file').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5000, 1) });
    await a.page.locator('#text').fill('too big');
    await a.page.locator('#send-button').click();
    await a.page.locator('#upload-status.bad', { hasText: /^Upload of big\.bin failed: HTTP 413/ }).waitFor();
    await expect(a.page.locator('#pending .pending-file').allTextContents()).resolves.toEqual(['big.bin (4.9 KiB)×']);
    await expect(a.page.locator('#text').inputValue()).resolves.toBe('too big');
    await expect(a.page.locator('#send-button').isEnabled()).resolves.toBe(true);
    await screenshot(a.page, 'graphql-page-upload-refused');
    await a.page.locator('#pending button.remove').click();
    await a.page.locator('#pending').waitFor({ state: 'hidden' });
    await a.page.locator('#send-button').click();
    await b.page.locator('#messages li.msg', { hasText: 'too big' }).waitFor();
    expect(await messageTexts(b.page)).toEqual(['too big']);
    expect(await b.page.locator('#messages .attachment').count()).toBe(0);
  }, 30_000);

  it('asks for a token when opened without one', async () => {
    const tab = await suite.open(`${suite.t.url}/demo/graphql`);
    await tab.page.locator('#signin input[name=token]').waitFor();
    expect(await tab.page.locator('#chat').isHidden()).toBe(true);
    await screenshot(tab.page, 'graphql-page-signin');
  });
});
