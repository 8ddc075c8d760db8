import { createReadStream } from 'node:fs';
import { access, copyFile, mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { ByteRange, MediaStore, MissingObjectError } from './media-store.js';

/** A spool file this old is a leftover of an earlier run (an upload under way writes to its file all along). */
const SPOOL_LEFTOVER_MS = 3_600_000;

/**
 * Files in a directory (MEDIA_STORE=local): beside the SQLite file by default, so `npm start`
 * needs nothing. A file appears under its key only once complete (written beside it, then renamed).
 */
export class LocalMediaStore extends MediaStore {
  private readonly root: string;

  constructor(dir: string, private readonly ephemeral = false) {
    super();
    this.root = resolve(dir);
  }

  /** Makes the spool and empties it of files an earlier run left (a crash mid-upload): any older than an hour, which no upload under way is. */
  async init(): Promise<void> {
    const spool = this.spoolDir();
    await mkdir(spool, { recursive: true });
    const before = Date.now() - SPOOL_LEFTOVER_MS;
    for (const entry of await readdir(spool, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(spool, entry.name);
      const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Infinity }));
      if (mtimeMs < before) await rm(path, { force: true });
    }
  }

  /** The memory database's temporary directory goes with it. */
  async close(): Promise<void> {
    if (this.ephemeral) await rm(this.root, { recursive: true, force: true });
  }

  spoolDir(): string {
    return join(this.root, '.spool');
  }

  async putFile(key: string, path: string, _size: number, _contentType: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(path, target); // the spool is on this filesystem: no copy
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      const partial = `${target}.part`;
      try {
        await copyFile(path, partial);
        await rename(partial, target);
      } catch (copyError) {
        await rm(partial, { force: true }); // a disk that filled up mid-copy keeps no half file
        throw copyError;
      }
    }
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    const stream = createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
    // Opening fails (ENOENT) before the first byte: report it as the promise's rejection, not a stream error mid-response.
    await new Promise<void>((ok, fail) => {
      stream.once('open', () => ok());
      stream.once('error', (error: NodeJS.ErrnoException) => fail(error.code === 'ENOENT' ? new MissingObjectError(key) : error));
    });
    return stream;
  }

  async remove(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      await unlink(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }

  async exists(key: string): Promise<boolean> {
    return access(this.pathOf(key)).then(() => true, () => false);
  }

  /** Keys are ours (`<appId>/<hex>`); anything that would leave the root is a bug, refused. */
  private pathOf(key: string): string {
    if (!/^[0-9]+\/[0-9a-f]{32}(\.thumb)?$/.test(key)) throw new Error(`not a media key: ${key}`);
    const path = join(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep)) throw new Error(`not a media key: ${key}`);
    return path;
  }
}
