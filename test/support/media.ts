import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { Headers } from './clients.js';

/** The JSON of POST /media: an Attachment, or `{error: {code, message}}`. */
export interface UploadAnswer {
  status: number;
  body: any;
}

/** POST /media with one `file` part, as a browser's FormData sends it. */
export async function upload(url: string, headers: Headers, file: { bytes: Uint8Array; name?: string; type?: string }, field = 'file'): Promise<UploadAnswer> {
  const form = new FormData();
  form.append(field, new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name ?? 'upload.bin');
  const response = await fetch(`${url}/media`, { method: 'POST', headers, body: form });
  return { status: response.status, body: await response.json() };
}

/** POST /media with a body written by hand (malformed multipart, two parts, no file…). */
export async function uploadRaw(url: string, headers: Headers, body: string | Buffer, contentType: string): Promise<UploadAnswer> {
  const response = await fetch(`${url}/media`, { method: 'POST', headers: { ...headers, 'content-type': contentType }, body });
  return { status: response.status, body: await response.json() };
}

export const BOUNDARY = 'xTESTBOUNDARYx';
/** One multipart part, as text (for hand-written bodies). */
export function part(field: string, content: string | Buffer, filename?: string, type = 'application/octet-stream'): Buffer {
  // A name starting with * is sent as RFC 5987 `filename*=UTF-8''…` (percent-encoded), as clients send names with unusual characters.
  const name = filename === undefined ? '' : filename.startsWith('*') ? `; filename*=UTF-8''${filename.slice(1)}` : `; filename="${filename}"`;
  const disposition = `form-data; name="${field}"${name}`;
  return Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${type}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')]);
}
export const multipart = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.from(`--${BOUNDARY}--\r\n`)]);
export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/**
 * Sends the head of a multipart upload that announces more than it sends, then drops the
 * connection: a client that stops half-way. Resolves once the socket is closed.
 */
export function abandonUpload(url: string, headers: Headers, sent: Buffer, announced: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${url}/media`, { method: 'POST', headers: { ...headers, 'content-type': MULTIPART_TYPE, 'content-length': String(announced) } });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(sent, () => setImmediate(() => req.destroy()));
  });
}

/** A real PNG of the given size (sharp draws it), with a gradient so it compresses like a photo would not. */
export function png(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7 + Math.floor(i / (width * 3))) % 256;
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** Random bytes that no sniffer recognizes (a generic binary file). */
export function randomBinary(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 131 + 17) % 251;
  return bytes;
}

/** Every file under `dir`, recursively (relative paths). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as any).path, e.name).slice(dir.length + 1));
}

/** A real S3 endpoint on loopback (s3rver) with one bucket, over a temporary directory. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  dir: string;
  /** The env a server needs to use it. */
  env: Record<string, string>;
  /** The objects stored now (their keys, as s3rver lays them out on disk). */
  objects(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startS3(bucket = 'chat-media'): Promise<TestS3> {
  const dir = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint, bucket, dir,
    env: {
      MEDIA_STORE: 's3', MEDIA_S3_BUCKET: bucket, MEDIA_S3_ENDPOINT: endpoint, MEDIA_S3_REGION: 'us-east-1',
      MEDIA_S3_ACCESS_KEY_ID: 'S3RVER', MEDIA_S3_SECRET_ACCESS_KEY: 'S3RVER', MEDIA_S3_FORCE_PATH_STYLE: 'true',
    },
    objects: async () => (await filesUnder(join(dir, bucket))).filter((f) => f.endsWith('._S3rver_object')).map((f) => f.replace(/\._S3rver_object$/, '')),
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
