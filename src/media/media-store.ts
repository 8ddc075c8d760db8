import type { Readable } from 'node:stream';

/** Bytes first..last of an object, both included (an HTTP byte range, already checked against the size). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where uploaded files are kept: a directory (local) or an S3-compatible bucket (s3). One
 * interface, chosen by MEDIA_STORE; nothing else knows which store it has. Keys are made by
 * MediaService only (`<appId>/<random>`), never from user input. Nothing is held whole in memory:
 * files go in from a finished file on local disk and come out as streams.
 */
export abstract class MediaStore {
  /** Makes what the store needs at start (directories); called once. */
  abstract init(): Promise<void>;

  /** Lets go of connections and temporary directories at shutdown. */
  abstract close(): Promise<void>;

  /** Stores the file at `path` (complete, `size` bytes) under `key`; either the whole object is kept or none of it. */
  abstract putFile(key: string, path: string, size: number, contentType: string): Promise<void>;

  /** The object's bytes (or a range of them) as a stream; rejects when the object is missing or the store cannot be reached. */
  abstract open(key: string, range?: ByteRange): Promise<Readable>;

  /** Removes the objects; keys that are already gone are no error. */
  abstract remove(keys: readonly string[]): Promise<void>;

  /** Whether the object exists (for tests and the sweeper's reports). */
  abstract exists(key: string): Promise<boolean>;

  /** A directory on local disk where uploads are spooled before they are stored (same filesystem as the store, when it is local). */
  abstract spoolDir(): string;
}

/** The store was asked for an object it does not have. */
export class MissingObjectError extends Error {
  constructor(readonly key: string) {
    super(`no stored object ${key}`);
    this.name = 'MissingObjectError';
  }
}
