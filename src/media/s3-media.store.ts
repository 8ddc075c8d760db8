import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ChatError } from '../common/errors/chat-error.js';
import type { MediaStoreConfig } from '../config/app-config.js';
import { ByteRange, MediaStore, MissingObjectError } from './media-store.js';

type S3Config = Extract<MediaStoreConfig, { kind: 's3' }>;

/**
 * An S3-compatible bucket (MEDIA_STORE=s3: AWS, MinIO, Ceph, R2…), shared by every instance.
 * Uploads are spooled to local disk first, then sent with their length known (PutObject from a
 * file stream): no part of the file is buffered in memory, and the object appears whole or not
 * at all. Checksums only WHEN_REQUIRED: the SDK's default frames streamed bodies with checksum
 * chunks, which some S3-compatible stores keep as part of the object.
 */
export class S3MediaStore extends MediaStore {
  private readonly client: S3Client;
  /** Made by init: one directory per store (several may run in one process, as in tests), removed by close. */
  private spool = '';

  constructor(private readonly config: S3Config) {
    super();
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle,
      ...(config.credentials ? { credentials: config.credentials } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async init(): Promise<void> {
    this.spool = await mkdtemp(join(tmpdir(), `chat-media-spool-${process.pid}-`));
  }

  async close(): Promise<void> {
    this.client.destroy();
    if (this.spool) await rm(this.spool, { recursive: true, force: true });
  }

  spoolDir(): string {
    return this.spool;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (unreachable(error)) throw new ChatError('UNAVAILABLE', `The media store cannot be reached right now; retry later (${(error as Error)?.name ?? 'error'})`);
      throw error;
    }
  }

  async putFile(key: string, path: string, size: number, contentType: string): Promise<void> {
    const body = createReadStream(path);
    try {
      await this.call(() => this.client.send(new PutObjectCommand({
        Bucket: this.config.bucket, Key: key, Body: body, ContentLength: size, ContentType: contentType,
      })));
    } finally {
      body.destroy(); // the SDK only pipes it: a failed send leaves it open (and its file descriptor with it)
    }
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const answer = await this.call(() => this.client.send(new GetObjectCommand({
        Bucket: this.config.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      })));
      if (!(answer.Body instanceof Readable)) throw new Error('the S3 answer has no body stream');
      return answer.Body;
    } catch (error) {
      if (isMissing(error)) throw new MissingObjectError(key);
      throw error;
    }
  }

  async remove(keys: readonly string[]): Promise<void> {
    // One DELETE each: DeleteObjects needs a checksum some S3-compatible stores do not check the same way; a gone key is no error.
    for (const key of keys) await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key })));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.call(() => this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key })));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }
}

/**
 * A request the store never answered (refused, reset, timed out: no HTTP status) or answered with
 * a server error is UNAVAILABLE (retry later), whatever wrapper the SDK put around the socket error.
 */
function unreachable(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status === undefined ? !isMissing(error) : status >= 500;
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
