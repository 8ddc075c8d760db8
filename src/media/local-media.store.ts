import { createReadStream } from 'node:fs';
import { access, copyFile, mkdir, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { ByteRange, MediaStore, MissingObjectError } from './media-store.js';

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

  async init(): Promise<void> {
    await mkdir(join(this.root, '.spool'), { recursive: true });
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
      await copyFile(path, partial);
      await rename(partial, target);
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
