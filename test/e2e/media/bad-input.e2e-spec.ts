import { jest } from '@jest/globals';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { startApp, TestApp } from '../../support/app.js';
import { codeOf } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, TestUser } from '../../support/factories.js';
import { abandonUpload, filesUnder, multipart, MULTIPART_TYPE, part, png, randomBinary, upload, uploadRaw } from '../../support/media.js';
import { untilClockPasses, waitFor } from '../../support/wait.js';
import { LOGGER } from '../../../src/common/logging/logging.module.js';
import { scopeOf } from '../../../src/database/app-scope.js';
import { MediaEntity } from '../../../src/media/media.entity.js';
import { MediaService } from '../../../src/media/media.service.js';
import { MediaSweeper } from '../../../src/media/media.sweeper.js';

const SEND = `mutation($r: ID!, $input: SendMessageInput!) { sendMessage(roomId: $r, input: $input) { id kind attachments { id } } }`;
const SETTINGS = `mutation($input: UpdateAppSettingsInput!) { updateAppSettings(input: $input) { maxUploadBytes allowedMediaKinds } }`;
/** The first bytes of a Windows executable: file-type knows them. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), randomBinary(5000)]);

/** This process's open files whose path holds `part` (the servers under test run in this process). */
const descriptorsOn = async (part: string) => {
  const links = await Promise.all((await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return links.filter((link) => link.includes(part));
};

describe.each(testDrivers())('media bad input on %s', (driver) => {
  let t: TestApp;
  let dir: string;
  let app: TestAppTenant;
  let alice: TestUser;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chat-media-bad-'));
    // alice uploads more than the default rate here; the rate has its own test.
    t = await startApp(driver, { MEDIA_LOCAL_DIR: dir, MEDIA_UPLOADS_PER_MINUTE: '1000' });
    app = await t.factories.app();
    alice = await t.factories.user(app);
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Nothing in the store and nothing left in the spool. */
  const everything = () => filesUnder(dir);
  /** `send` starts the request only once the files before it are listed (a request in flight has a spool file). */
  const refusedCleanly = async (send: () => Promise<{ status: number; body: any }>, status: number, code: string, message?: RegExp) => {
    const before = await everything();
    const { status: got, body } = await send();
    expect({ got, body }).toEqual({ got: status, body: { error: { code, message: message ? expect.stringMatching(message) : expect.any(String) } } });
    await expect(everything()).resolves.toEqual(before);
  };

  it('answers the defaults in appSettings and changes them with updateAppSettings', async () => {
    const read = await t.gql(`{ appSettings { maxUploadBytes allowedMediaKinds } }`, {}, app.headers);
    expect(read.data).toEqual({ appSettings: { maxUploadBytes: 25 * 1024 * 1024, allowedMediaKinds: ['IMAGE', 'VIDEO', 'AUDIO', 'FILE'] } });
    const other = await t.factories.app();
    await expect(t.gql(SETTINGS, { input: { maxUploadBytes: 0 } }, other.headers).then(codeOf)).resolves.toBe('BAD_USER_INPUT');
    await expect(t.gql(SETTINGS, { input: { allowedMediaKinds: ['IMAGE', 'IMAGE'] } }, other.headers).then(codeOf)).resolves.toBe('BAD_USER_INPUT');
  });

  it.each([
    ['no file part (a field only)', multipart(part('file', 'just text', undefined, 'text/plain')), 400, /No file/],
    ['a file part under another name', multipart(part('upload', 'x', 'a.txt')), 400, /named "file"/],
    ['two file parts', multipart(part('file', randomBinary(2000), 'a.bin'), part('file', randomBinary(2000), 'b.bin')), 400, /one file/],
    ['two file parts, the first one large enough to be stored first', multipart(part('file', randomBinary(600_000), 'a.bin'), part('file', 'x', 'b.bin')), 400, /one file/],
    // Busboy goes on emitting the parts after the limit from the same chunk: the file after them must not be stored, nor hang the answer.
    ['more than 20 fields, then a file', multipart(...Array.from({ length: 21 }, (_, i) => part(`f${i}`, 'x', undefined, 'text/plain')), part('file', randomBinary(2000), 'a.bin')), 400, /Too many fields/],
    ['more than 20 fields, then a large file', multipart(...Array.from({ length: 25 }, (_, i) => part(`f${i}`, 'x', undefined, 'text/plain')), part('file', randomBinary(600_000), 'a.bin')), 400, /Too many fields/],
    ['an empty file', multipart(part('file', '', 'empty.txt')), 400, /empty/],
    ['a broken multipart body (no closing boundary)', part('file', randomBinary(3000), 'a.bin'), 400, /malformed or ended early/],
    ['a name with ../', multipart(part('file', 'x', '../../etc/passwd')), 400, /not a path/],
    ['a name with control characters', multipart(part('file', 'x', '*evil%01name.txt')), 400, /control characters/],
  ])('refuses %s with a clear error and keeps nothing', async (_case, body, status, message) => {
    await refusedCleanly(() => uploadRaw(t.url, alice.headers, body, MULTIPART_TYPE), status, 'BAD_USER_INPUT', message);
  });

  it('refuses a body that is not multipart, or has no boundary', async () => {
    await refusedCleanly(() => uploadRaw(t.url, alice.headers, '{"file":"x"}', 'application/json'), 400, 'BAD_USER_INPUT', /multipart\/form-data/);
    await refusedCleanly(() => uploadRaw(t.url, alice.headers, 'x', 'multipart/form-data'), 400, 'BAD_USER_INPUT', /multipart\/form-data/);
  });

  it('refuses an upload without credentials (401) and the operator (403)', async () => {
    await refusedCleanly(() => upload(t.url, {}, { bytes: randomBinary(10) }), 401, 'UNAUTHENTICATED');
    await refusedCleanly(() => upload(t.url, { 'x-admin-key': 'test-operator-key-0123456789' }, { bytes: randomBinary(10) }), 403, 'FORBIDDEN');
  });

  it('answers 413 over the app\'s limit, whether the body says its length or not, and keeps nothing', async () => {
    const small = await t.factories.app();
    const bob = await t.factories.user(small);
    await t.gql(SETTINGS, { input: { maxUploadBytes: 100_000 } }, small.headers);
    await refusedCleanly(() => upload(t.url, bob.headers, { bytes: randomBinary(300_000) }), 413, 'BAD_USER_INPUT', /limit of 100000 bytes/);
    // Streamed with no Content-Length: refused as it passes the limit.
    const chunks = [multipart(part('file', randomBinary(150_000), 'big.bin'))];
    const stream = new ReadableStream({ pull(controller) { const next = chunks.shift(); if (next) controller.enqueue(next); else controller.close(); } });
    const streamed = () => fetch(`${t.url}/media`, { method: 'POST', headers: { ...bob.headers, 'content-type': MULTIPART_TYPE }, body: stream, duplex: 'half' } as RequestInit)
      .then(async (r) => ({ status: r.status, body: await r.json() }));
    await refusedCleanly(streamed, 413, 'BAD_USER_INPUT');
    // Exactly the limit is fine.
    await expect(upload(t.url, bob.headers, { bytes: randomBinary(100_000) }).then((r) => r.status)).resolves.toBe(201);
  });

  it('refuses a declared type that lies about a kind the app does not take (415), and takes an image that is one', async () => {
    const images = await t.factories.app();
    const bob = await t.factories.user(images);
    await t.gql(SETTINGS, { input: { allowedMediaKinds: ['IMAGE'] } }, images.headers);
    await refusedCleanly(() => upload(t.url, bob.headers, { bytes: EXE, name: 'cat.png', type: 'image/png' }), 415, 'BAD_USER_INPUT', /declared image\/png, but the bytes are application\/x-msdownload/);
    await refusedCleanly(() => upload(t.url, bob.headers, { bytes: randomBinary(100), name: 'a.txt', type: 'text/plain' }), 415, 'BAD_USER_INPUT');
    await expect(upload(t.url, bob.headers, { bytes: await png(10, 10), name: 'real.png', type: 'application/octet-stream' })).resolves.toMatchObject({ status: 201, body: { contentType: 'image/png' } });
    await t.gql(SETTINGS, { input: { allowedMediaKinds: [] } }, images.headers);
    await refusedCleanly(async () => upload(t.url, bob.headers, { bytes: await png(10, 10) }), 403, 'FORBIDDEN', /does not take uploads/);
  });

  it('survives a client that stops half-way: nothing kept, and the next upload works', async () => {
    const before = await everything();
    const head = Buffer.concat([Buffer.from(`--xTESTBOUNDARYx\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n\r\n`), randomBinary(64 * 1024)]);
    await abandonUpload(t.url, alice.headers, head, 10 * 1024 * 1024);
    await waitFor('the spool to be emptied', () => everything(), (files) => files.length === before.length);
    await expect(upload(t.url, alice.headers, { bytes: randomBinary(10) }).then((r) => r.status)).resolves.toBe(201);
  });

  it('attaches an upload once, by its uploader, inside its app: NOT_FOUND for others\' ids, CONFLICT for a reused one', async () => {
    const bob = await t.factories.user(app);
    const other = await t.factories.app();
    const stranger = await t.factories.user(other);
    const mine = (await upload(t.url, alice.headers, { bytes: randomBinary(100) })).body.id;
    const theirs = (await upload(t.url, stranger.headers, { bytes: randomBinary(100) })).body.id;
    const send = (who: TestUser, roomId: string, ids: string[]) => t.gql(SEND, { r: roomId, input: { text: 'x', attachmentIds: ids } }, who.headers);
    await expect(send(bob, app.lobbyId, [mine]).then(codeOf)).resolves.toBe('NOT_FOUND');           // another user's upload
    await expect(send(alice, app.lobbyId, [theirs]).then(codeOf)).resolves.toBe('NOT_FOUND');        // another app's upload
    await expect(send(alice, app.lobbyId, ['999999999']).then(codeOf)).resolves.toBe('NOT_FOUND');   // no such upload
    await expect(send(alice, app.lobbyId, [mine, mine]).then(codeOf)).resolves.toBe('BAD_USER_INPUT');
    await expect(send(alice, app.lobbyId, ['abc']).then(codeOf)).resolves.toBe('BAD_USER_INPUT');
    // A refused send leaves the upload free: it still attaches, once.
    await expect(send(alice, app.lobbyId, [mine])).resolves.toMatchObject({ data: { sendMessage: { kind: 'FILE', attachments: [{ id: mine }] } } });
    await expect(send(alice, app.lobbyId, [mine]).then(codeOf)).resolves.toBe('CONFLICT');
    // A resend with the same clientMsgId is the first message again, not a conflict.
    const again = (await upload(t.url, alice.headers, { bytes: randomBinary(100) })).body.id;
    const input = { text: 'once', clientMsgId: 'c-media-1', attachmentIds: [again] };
    const first = await t.gql(SEND, { r: app.lobbyId, input }, alice.headers);
    await expect(t.gql(SEND, { r: app.lobbyId, input }, alice.headers)).resolves.toEqual(first);
    // The app backend attaches its own uploads (here to a SYSTEM message), not its users'.
    const own = (await upload(t.url, app.headers, { bytes: randomBinary(100) })).body.id;
    await expect(t.gql(SEND, { r: app.lobbyId, input: { text: 'news', attachmentIds: [mine] } }, app.headers).then(codeOf)).resolves.toBe('NOT_FOUND');
    await expect(t.gql(SEND, { r: app.lobbyId, input: { text: 'news', attachmentIds: [own] } }, app.headers))
      .resolves.toMatchObject({ data: { sendMessage: { kind: 'SYSTEM', attachments: [{ id: own }] } } });
    // Text stays required without files.
    await expect(t.gql(SEND, { r: app.lobbyId, input: { text: '  ' } }, alice.headers).then(codeOf)).resolves.toBe('BAD_USER_INPUT');
  });

  it('answers 404 for a file that does not exist and 403 for a URL that is not signed', async () => {
    const missing = await fetch(`${t.url}/media/abc`);
    expect(missing.status).toBe(404);
    await expect(missing.json()).resolves.toEqual({ error: { code: 'NOT_FOUND', message: 'File not found' } });
    expect((await fetch(`${t.url}/media/12345?app=1&exp=1&sig=x`)).status).toBe(403);
  });

  it('keeps an image over 40 million pixels as a file without decoding it: no sizes, no thumbnail', async () => {
    // 48 million pixels of one colour: a 150 kB PNG that would take ~150 MB to decode.
    const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: { r: 10, g: 20, b: 30 } } }).png({ compressionLevel: 9 }).toBuffer();
    const answer = await upload(t.url, alice.headers, { bytes: huge, name: 'huge.png' });
    expect(answer).toMatchObject({ status: 201, body: { contentType: 'image/png', size: huge.length, width: null, height: null, thumbnailUrl: null } });
    const download = await fetch(`${t.url}${answer.body.url}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(huge)).toBe(true);
    // Under the limit, an image still gets both.
    await expect(upload(t.url, alice.headers, { bytes: await png(50, 40), name: 'small.png' }))
      .resolves.toMatchObject({ status: 201, body: { width: 50, height: 40, thumbnailUrl: expect.stringContaining('v=thumb') } });
  });

  it('takes a download the client stops half-way (a video seek) quietly: no error logged, the file closed', async () => {
    const big = await upload(t.url, alice.headers, { bytes: randomBinary(8 * 1024 * 1024), name: 'movie.bin' });
    expect(big.status).toBe(201);
    const errors = jest.spyOn(t.server.app.get<Logger>(LOGGER), 'error');
    try {
      const abort = new AbortController();
      const response = await fetch(`${t.url}${big.body.url}`, { signal: abort.signal });
      const reader = response.body!.getReader();
      await reader.read(); // the first bytes came: the server is streaming the file
      abort.abort();
      await reader.read().catch(() => undefined);
      // The server destroyed its read stream once it saw the client go: no descriptor left on the stored file.
      await waitFor('the stored file to be closed', () => descriptorsOn(dir), (open) => open.length === 0);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  it('answers 429 RATE_LIMITED past MEDIA_UPLOADS_PER_MINUTE per uploader, before reading the body, and keeps nothing', async () => {
    const limitedDir = await mkdtemp(join(tmpdir(), 'chat-media-rate-'));
    const limited = await startApp(driver, { MEDIA_LOCAL_DIR: limitedDir, MEDIA_UPLOADS_PER_MINUTE: '2' });
    try {
      const tenant = await limited.factories.app();
      const [bob, carol] = [await limited.factories.user(tenant), await limited.factories.user(tenant)];
      await expect(upload(limited.url, bob.headers, { bytes: randomBinary(100) }).then((r) => r.status)).resolves.toBe(201);
      // A refused upload counts too: the rate is of uploads started.
      await expect(uploadRaw(limited.url, bob.headers, multipart(part('file', '', 'empty.bin')), MULTIPART_TYPE).then((r) => r.status)).resolves.toBe(400);
      const before = await filesUnder(limitedDir);
      const form = new FormData();
      form.append('file', new Blob([randomBinary(300_000)]), 'third.bin');
      const refused = await fetch(`${limited.url}/media`, { method: 'POST', headers: bob.headers, body: form });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await expect(refused.json()).resolves.toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/Too many uploads: wait \d+ s/) } });
      await expect(filesUnder(limitedDir)).resolves.toEqual(before);
      // Per uploader: another user, and the app backend, still upload.
      await expect(upload(limited.url, carol.headers, { bytes: randomBinary(100) }).then((r) => r.status)).resolves.toBe(201);
      await expect(upload(limited.url, tenant.headers, { bytes: randomBinary(100) }).then((r) => r.status)).resolves.toBe(201);
    } finally {
      await limited.close();
      await rm(limitedDir, { recursive: true, force: true });
    }
  });

  it('answers 503 UNAVAILABLE when the store cannot be reached, and keeps nothing', async () => {
    const down = await startApp(driver, {
      MEDIA_STORE: 's3', MEDIA_S3_BUCKET: 'nowhere', MEDIA_S3_ENDPOINT: 'http://127.0.0.1:9', MEDIA_S3_FORCE_PATH_STYLE: 'true',
      MEDIA_S3_ACCESS_KEY_ID: 'x', MEDIA_S3_SECRET_ACCESS_KEY: 'y',
    });
    try {
      const bob = await down.factories.user(await down.factories.app());
      const answer = await upload(down.url, bob.headers, { bytes: randomBinary(1000) });
      expect(answer).toEqual({ status: 503, body: { error: { code: 'UNAVAILABLE', message: expect.stringContaining('retry later') } } });
      // The spool file the SDK was to send is closed, not held open after its removal (the server runs in this process).
      await waitFor('no descriptor left on a spool file', () => descriptorsOn('chat-media-spool-'), (open) => open.length === 0);
      await expect(down.gql('{ me { id } }', {}, bob.headers)).resolves.toEqual({ data: { me: { id: bob.id } } });
    } finally {
      await down.close();
    }
  });

  it('judges a claim by when it was taken: a send under way keeps even an old upload, a claim over an hour old is swept', async () => {
    const db = t.server.app.get(DataSource);
    const media = t.server.app.get(MediaService);
    const backdate = (id: string, values: Partial<MediaEntity>) => db.createQueryBuilder().update(MediaEntity).set(values).where({ id }).execute();
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    const owner = { uploaderId: alice.id, byApp: false as const };
    // Uploaded two days ago (past the day unattached uploads are kept), claimed by a send just now.
    const old = await upload(t.url, alice.headers, { bytes: randomBinary(300), name: 'old.bin' });
    await backdate(old.body.id, { createdAt: twoDaysAgo });
    const sending = await media.claim(scopeOf(app.id), owner, [old.body.id]);
    await t.server.app.get(MediaSweeper).sweep();
    expect((await fetch(`${t.url}${old.body.url}`)).status).toBe(200);
    // The send fails and lets it go: the next send attaches it.
    await media.release(scopeOf(app.id), sending);
    await expect(t.gql(SEND, { r: app.lobbyId, input: { text: '', attachmentIds: [old.body.id] } }, alice.headers))
      .resolves.toMatchObject({ data: { sendMessage: { attachments: [{ id: old.body.id }] } } });
    // A claim taken two hours ago by a send that never finished (its instance stopped): swept.
    const abandoned = await upload(t.url, alice.headers, { bytes: randomBinary(300), name: 'abandoned.bin' });
    await backdate(abandoned.body.id, { createdAt: twoDaysAgo });
    await media.claim(scopeOf(app.id), owner, [abandoned.body.id]);
    await backdate(abandoned.body.id, { claimedAt: new Date(Date.now() - 2 * 3_600_000) });
    await t.server.app.get(MediaSweeper).sweep();
    expect((await fetch(`${t.url}${abandoned.body.url}`)).status).toBe(404);
    expect((await fetch(`${t.url}${old.body.url}`)).status).toBe(200);
  });

  it('sweeps uploads never attached once they are older than the configured age, and keeps attached ones', async () => {
    // This server keeps unattached uploads a day: a sweep now removes nothing of alice's.
    const young = await upload(t.url, alice.headers, { bytes: randomBinary(500), name: 'young.bin' });
    await t.server.app.get(MediaSweeper).sweep();
    expect((await fetch(`${t.url}${young.body.url}`)).status).toBe(200);
    // One that keeps them a second: the upload never attached goes, the attached one stays.
    const shortDir = await mkdtemp(join(tmpdir(), 'chat-media-sweep-'));
    const short = await startApp(driver, { MEDIA_LOCAL_DIR: shortDir, MEDIA_UNATTACHED_TTL_SECONDS: '1' });
    try {
      const tenant = await short.factories.app();
      const bob = await short.factories.user(tenant);
      const gone = await upload(short.url, bob.headers, { bytes: randomBinary(500), name: 'gone.bin' });
      const kept = await upload(short.url, bob.headers, { bytes: randomBinary(500), name: 'kept.bin' });
      const uploadedBy = Date.now();
      await expect(short.gql(SEND, { r: tenant.lobbyId, input: { text: '', attachmentIds: [kept.body.id] } }, bob.headers)).resolves.toMatchObject({ data: { sendMessage: { kind: 'FILE' } } });
      expect((await filesUnder(shortDir)).filter((f) => !f.startsWith('.spool'))).toHaveLength(2);
      await untilClockPasses(uploadedBy + 1000); // the age under test is time itself
      await expect(short.server.app.get(MediaSweeper).sweep()).resolves.toBe(1);
      expect((await fetch(`${short.url}${gone.body.url}`)).status).toBe(404);
      expect((await fetch(`${short.url}${kept.body.url}`)).status).toBe(200);
      expect((await filesUnder(shortDir)).filter((f) => !f.startsWith('.spool'))).toHaveLength(1);
    } finally {
      await short.close();
      await rm(shortDir, { recursive: true, force: true });
    }
  });
});
