import { access, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { filesUnder, randomBinary, startS3, upload } from '../../support/media.js';
import { MediaStore } from '../../../src/media/media-store.js';

const exists = (path: string) => access(path).then(() => true, () => false);

describe.each(testDrivers())('media spool files on %s', (driver) => {
  it('the local store empties its spool of leftovers older than an hour at start, and keeps younger files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chat-media-leftovers-'));
    try {
      await mkdir(join(dir, '.spool'));
      await writeFile(join(dir, '.spool', 'old-crash'), 'x');
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      await utimes(join(dir, '.spool', 'old-crash'), twoHoursAgo, twoHoursAgo);
      await writeFile(join(dir, '.spool', 'young'), 'x');
      const t = await startApp(driver, { MEDIA_LOCAL_DIR: dir });
      await t.close();
      await expect(filesUnder(dir)).resolves.toEqual([join('.spool', 'young')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the S3 store removes its spool directory when the server stops', async () => {
    const s3 = await startS3();
    try {
      const t = await startApp(driver, s3.env);
      const spool = t.server.app.get(MediaStore).spoolDir();
      try {
        const bob = await t.factories.user(await t.factories.app());
        await expect(upload(t.url, bob.headers, { bytes: randomBinary(1000) }).then((r) => r.status)).resolves.toBe(201);
        await expect(exists(spool)).resolves.toBe(true);
      } finally {
        await t.close();
      }
      await expect(exists(spool)).resolves.toBe(false);
    } finally {
      await s3.close();
    }
  });
});
