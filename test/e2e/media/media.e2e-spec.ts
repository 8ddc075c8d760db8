import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { legacySocket } from '../../support/legacy.js';
import { filesUnder, png, randomBinary, startS3, TestS3, upload } from '../../support/media.js';
import { waitFor } from '../../support/wait.js';
import { MediaUrls } from '../../../src/media/media-urls.js';

const ATTACHMENT = 'id url contentType name size width height thumbnailUrl';
const SEND = `mutation($r: ID!, $input: SendMessageInput!) { sendMessage(roomId: $r, input: $input) { id kind text attachments { ${ATTACHMENT} } } }`;
const HISTORY = `query($r: ID!) { messages(roomId: $r) { nodes { id kind text deletedAt attachments { ${ATTACHMENT} } } } }`;
const GROUP = `mutation($m: [ID!]) { createRoom(input: {memberIds: $m}) { id } }`;
const DELETE = `mutation($id: ID!) { deleteMessage(id: $id) { ok } }`;

/** A store under test: where its objects can be counted from outside the server. */
interface StoreUnderTest {
  env: Record<string, string>;
  objects(): Promise<string[]>;
  close(): Promise<void>;
}

async function localStore(): Promise<StoreUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'chat-media-test-'));
  return {
    env: { MEDIA_LOCAL_DIR: dir },
    objects: async () => (await filesUnder(dir)).filter((f) => !f.startsWith('.spool')),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

async function s3Store(): Promise<StoreUnderTest> {
  const s3: TestS3 = await startS3();
  return { env: s3.env, objects: s3.objects, close: s3.close };
}

const STORES: [string, () => Promise<StoreUnderTest>][] = [['local', localStore], ['s3', s3Store]];

describe.each(testDrivers())('media on %s', (driver) => {
  describe.each(STORES)('with the %s store', (_name, makeStore) => {
    let t: TestApp;
    let store: StoreUnderTest;
    beforeAll(async () => {
      store = await makeStore();
      t = await startApp(driver, store.env);
    });
    afterAll(async () => {
      await t.close();
      await store.close();
    });

    const get = (url: string, headers: Record<string, string> = {}) => fetch(url.startsWith('/') ? `${t.url}${url}` : url, { headers });

    it('upload → send → history → the signed URL serves the bytes and a range → outsiders refused → delete removes the file', async () => {
      const app = await t.factories.app();
      const [alice, bob, carol] = [await t.factories.user(app), await t.factories.user(app), await t.factories.user(app)];
      const room = (await t.gql(GROUP, { m: [alice.id, bob.id] }, app.headers)).data!.createRoom.id;
      const bytes = await png(800, 600);
      const before = await store.objects();

      const uploaded = await upload(t.url, alice.headers, { bytes, name: 'sunset.png', type: 'image/png' });
      expect(uploaded.status).toBe(201);
      expect(uploaded.body).toEqual({
        id: expect.stringMatching(/^\d+$/), url: expect.stringContaining(`/media/${uploaded.body.id}/sunset.png?`), contentType: 'image/png',
        name: 'sunset.png', size: bytes.length, width: 800, height: 600, thumbnailUrl: expect.stringContaining('v=thumb'),
      });
      expect((await store.objects()).length).toBe(before.length + 2); // the file and its thumbnail

      const sent = await t.gql(SEND, { r: room, input: { text: '', attachmentIds: [uploaded.body.id] } }, alice.headers);
      expect(sent.errors).toBeUndefined();
      expect(sent.data!.sendMessage).toMatchObject({ kind: 'FILE', text: '', attachments: [{ id: uploaded.body.id, name: 'sunset.png', contentType: 'image/png', size: bytes.length, width: 800, height: 600 }] });

      const history = await t.gql(HISTORY, { r: room }, bob.headers);
      const [shown] = history.data!.messages.nodes;
      expect(shown).toMatchObject({ id: sent.data!.sendMessage.id, kind: 'FILE', attachments: [{ id: uploaded.body.id, name: 'sunset.png' }] });

      // The URL works with no headers at all (an <img src>), serves exactly the bytes, and says what they are.
      const whole = await get(shown.attachments[0].url);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('image/png');
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

      const range = await get(shown.attachments[0].url, { range: 'bytes=100-199' });
      expect(range.status).toBe(206);
      expect(range.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
      expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
      const tail = await get(shown.attachments[0].url, { range: 'bytes=-10' });
      expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(true);
      const past = await get(shown.attachments[0].url, { range: `bytes=${bytes.length}-` });
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

      const thumb = await get(shown.attachments[0].thumbnailUrl);
      expect(thumb.status).toBe(200);
      const thumbMeta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      expect([thumbMeta.format, thumbMeta.width, thumbMeta.height]).toEqual(['jpeg', 320, 240]);

      // Each read signs afresh: a later read gets URLs of its own, and both open the file.
      const again = (await t.gql(HISTORY, { r: room }, alice.headers)).data!.messages.nodes[0].attachments[0].url;
      expect((await get(again)).status).toBe(200);

      // Outsiders: carol is not in the room, so she gets no URL; a URL changed in any part opens nothing.
      await expect(t.gql(HISTORY, { r: room }, carol.headers).then(codeOf)).resolves.toBe('FORBIDDEN');
      const url = new URL(shown.attachments[0].url, t.url);
      const other = await t.factories.app();
      const tampered = [
        url.pathname, // no signature
        `${url.pathname}?${url.searchParams.toString().replace(/sig=[^&]+/, 'sig=AAAA')}`,
        `${url.pathname}?${url.searchParams.toString().replace(/app=\d+/, `app=${other.id}`)}`,
        `${url.pathname}?${url.searchParams.toString().replace(/exp=(\d+)/, (_m, exp) => `exp=${Number(exp) + 3600}`)}`,
        `${url.pathname}?${url.searchParams.toString()}&v=thumb`,
        `${url.pathname.replace(`/media/${uploaded.body.id}/`, `/media/${Number(uploaded.body.id) + 1}/`)}?${url.searchParams.toString()}`,
      ];
      for (const path of tampered) {
        const refused = await get(path);
        expect([path, refused.status]).toEqual([path, 403]);
        await expect(refused.json()).resolves.toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
      }
      // An expired URL: signed in the past, as a URL kept too long would be.
      const file = { id: uploaded.body.id, contentType: 'image/png', name: 'sunset.png', size: bytes.length, width: 800, height: 600, hasThumbnail: true };
      const expired = t.server.app.get(MediaUrls).sign(app.id, file, 60, Date.now() - 3_600_000);
      await expect(get(expired.url).then((r) => r.status)).resolves.toBe(403);

      // Delete: the tombstone has no files, and the store no longer has them.
      await expect(t.gql(DELETE, { id: shown.id }, alice.headers)).resolves.toMatchObject({ data: { deleteMessage: { ok: true } } });
      await expect(store.objects()).resolves.toEqual(before);
      expect((await get(shown.attachments[0].url)).status).toBe(404);
      const tombstone = (await t.gql(HISTORY, { r: room }, bob.headers)).data!.messages.nodes[0];
      expect(tombstone).toMatchObject({ deletedAt: expect.any(String), attachments: [] });
    });

    it('keeps what the bytes are, not what the client said; files that are not images get no thumbnail', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      const bytes = randomBinary(300_000);
      const up = await upload(t.url, alice.headers, { bytes, name: 'notes.txt', type: 'image/png' });
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ contentType: 'application/octet-stream', size: 300_000, width: null, height: null, thumbnailUrl: null });
      // Exactly the bytes (no checksum framing kept by an S3-compatible store), and downloaded, not shown.
      const got = await get(up.body.url);
      expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="notes.txt"/);
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('gives legacy chatboxes a FILE message as a line with the name and a URL that opens the file', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      const socket = await legacySocket(t.url);
      await socket.auth({ app_id: Number(app.id), hashed_token: alice.hashedToken });
      const bytes = await png(40, 30);
      const up = await upload(t.url, alice.headers, { bytes, name: 'tiny cat.png' });
      await t.gql(SEND, { r: app.lobbyId, input: { text: 'look', attachmentIds: [up.body.id] } }, alice.headers);
      const line = await socket.next('new_message');
      expect(line).toMatchObject({ user: { uname: alice.uname }, text: expect.stringMatching(/^look \[file\] tiny_cat\.png \/media\/\d+\/tiny%20cat\.png\?\S+$/) });
      const link = line.text.split(' ').pop();
      const opened = await get(link);
      expect(Buffer.from(await opened.arrayBuffer()).equals(bytes)).toBe(true);
      // The legacy URL lasts a week (the line stays on an open page); the API's an hour.
      const exp = Number(new URL(link, t.url).searchParams.get('exp'));
      expect(exp * 1000 - Date.now()).toBeGreaterThan(6 * 86_400_000);
      socket.close();
      const late = await legacySocket(t.url);
      const [, data] = await late.auth({ app_id: Number(app.id) });
      expect(data.room.history.at(-1).text).toMatch(/^look \[file\] tiny_cat\.png \/media\//);
      late.close();
    });

    it('removes a deleted user\'s files from the store', async () => {
      const app = await t.factories.app();
      const [alice, bob] = [await t.factories.user(app), await t.factories.user(app)];
      const before = await store.objects();
      const attached = await upload(t.url, alice.headers, { bytes: randomBinary(1000), name: 'a.bin' });
      await t.gql(SEND, { r: app.lobbyId, input: { text: '', attachmentIds: [attached.body.id] } }, alice.headers);
      await upload(t.url, alice.headers, { bytes: randomBinary(1000), name: 'b.bin' });
      const kept = await upload(t.url, bob.headers, { bytes: randomBinary(1000), name: 'c.bin' });
      expect((await store.objects()).length).toBe(before.length + 3);
      await expect(t.gql(`mutation($id: ID!) { deleteUser(id: $id) { ok } }`, { id: alice.id }, app.headers)).resolves.toMatchObject({ data: { deleteUser: { ok: true } } });
      await waitFor('alice\'s two files to leave the store', () => store.objects(), (objects) => objects.length === before.length + 1);
      expect((await get(kept.body.url)).status).toBe(200);
    });

    it('removes a deleted room\'s files from the store', async () => {
      const app = await t.factories.app();
      const alice = await t.factories.user(app);
      const room = (await t.gql(GROUP, { m: [alice.id] }, app.headers)).data!.createRoom.id;
      const before = await store.objects();
      const up = await upload(t.url, alice.headers, { bytes: await png(50, 50), name: 'room.png' });
      await t.gql(SEND, { r: room, input: { text: '', attachmentIds: [up.body.id] } }, alice.headers);
      expect((await store.objects()).length).toBe(before.length + 2);
      await expect(t.gql(`mutation($id: ID!) { deleteRoom(id: $id) { ok } }`, { id: room }, app.headers)).resolves.toMatchObject({ data: { deleteRoom: { ok: true } } });
      await waitFor('the room\'s file and thumbnail to leave the store', () => store.objects(), (objects) => objects.length === before.length);
      expect((await get(up.body.url)).status).toBe(404);
    });
  });
});
