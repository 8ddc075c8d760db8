import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { fileTypeFromBuffer } from 'file-type';
import type { Logger } from 'pino';
import sharp from 'sharp';
import { AppsService } from '../apps/apps.service.js';
import { MediaKindValue } from '../apps/app-settings.js';
import { ChatError, badInput, conflict, forbidden, notFound } from '../common/errors/chat-error.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppConfig } from '../config/app-config.js';
import { AppScope, scopeOf } from '../database/app-scope.js';
import type { ScopedPrincipal } from '../principal/principal.js';
import { Attachment, AttachmentFile } from './attachment.model.js';
import { MediaEntity } from './media.entity.js';
import { MediaOwner, MediaRepository } from './media.repository.js';
import { ByteRange, MediaStore, MissingObjectError } from './media-store.js';
import { MediaUrls, SignedQuery } from './media-urls.js';
import { SNIFF_BYTES, UploadInspector } from './upload-inspector.js';
import { UploadRate } from './upload-rate.js';

/** One file as a transport hands it over: its bytes as a stream, and what the client said it is. */
export interface UploadInput {
  stream: Readable;
  /** The client's file name (checked: no path, no control characters); null or empty: "file". */
  name: string | null;
  /** The client's declared content type; the stored one is what the bytes are. */
  declaredType: string | null;
  /** The kind the bytes must be (a transport whose client named it, e.g. the talker's `photo`); another kind is BAD_USER_INPUT, reason `kind_mismatch`, before anything is stored. */
  expectedKind?: MediaKindValue;
}

/** Uploads a send takes for one message (MediaService.claim), until attach or release. */
export interface MediaClaim {
  token: string;
  files: AttachmentFile[];
}

/** A file a signed URL opens, as the HTTP transport serves it. */
export interface MediaDownload {
  key: string;
  contentType: string;
  name: string;
  size: number;
  /** Unix seconds: the URL's expiry (so caches keep it no longer). */
  expiresAt: number;
  variant: 'file' | 'thumb';
}

/** A claim this old is a send (or a sweep) that never finished: its instance stopped. */
const STALE_CLAIM_MS = 3_600_000;
/** At most this many files in one message. */
export const MAX_ATTACHMENTS = 10;
export const THUMBNAIL_EDGE = 320;
/** Images with more pixels are kept as files without sizes or thumbnail: decoding one would take memory and CPU an upload should not (a small PNG can claim 100k × 100k). */
export const MAX_IMAGE_PIXELS = 40_000_000;
/** Types kept as declared when the bytes have no signature (plain text has none); anything else unsniffed is application/octet-stream. */
const PLAIN_TYPES = new Set(['text/plain', 'text/csv', 'text/markdown', 'application/json']);
const NAME_MAX = 255;
/** Room for a multipart body's boundaries and part headers around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

export const kindOf = (contentType: string): MediaKindValue =>
  contentType.startsWith('image/') ? 'IMAGE' : contentType.startsWith('video/') ? 'VIDEO' : contentType.startsWith('audio/') ? 'AUDIO' : 'FILE';

export const toAttachmentFile = (row: MediaEntity): AttachmentFile => ({
  id: row.id, contentType: row.contentType, name: row.name, size: row.size, width: row.width, height: row.height, hasThumbnail: row.thumbKey !== null,
});

/**
 * Media: uploads streamed into the store (sniffed, limited, thumbnailed), attached to messages
 * once, served through signed URLs, and removed with their message, their uploader, their room,
 * or after a day unattached. Transports hand over streams (POST /media today; the talker API's
 * data URIs later): `upload` is the one way in.
 */
@Injectable()
export class MediaService {
  constructor(
    private readonly media: MediaRepository,
    private readonly store: MediaStore,
    private readonly urls: MediaUrls,
    private readonly apps: AppsService,
    private readonly config: AppConfig,
    private readonly rate: UploadRate,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Streams the file to a spool file on local disk (never whole in memory), judging it on the
   * way: the type is sniffed from its first bytes, a kind the app does not take is refused before
   * more is read, and past the app's maxUploadBytes it stops (413). Only a complete, accepted
   * file reaches the store; whatever fails, nothing is left behind.
   */
  async upload(caller: ScopedPrincipal, input: UploadInput): Promise<Attachment> {
    const settings = await this.apps.settings(caller.scope);
    if (settings.allowedMediaKinds.length === 0) throw forbidden('This app does not take uploads');
    const name = checkName(input.name);
    const spool = join(this.store.spoolDir(), randomUUID());
    const thumbSpool = `${spool}.thumb`;
    let contentType = 'application/octet-stream';
    const inspector = new UploadInspector(
      settings.maxUploadBytes,
      () => tooLarge(settings.maxUploadBytes),
      async (head) => {
        if (head.length === 0) throw badInput('The file is empty');
        contentType = await sniff(head, input.declaredType, settings.allowedMediaKinds);
        if (input.expectedKind && kindOf(contentType) !== input.expectedKind) {
          throw badInput(`The file is not ${input.expectedKind.toLowerCase()} (the bytes are ${contentType})`, { reason: 'kind_mismatch', found: contentType });
        }
      },
    );
    // The transport gave up on the body while the settings were read (a stream destroyed before it is piped would never end the pipeline).
    if (input.stream.destroyed) throw badInput('The upload stopped before its file was read');
    try {
      await pipeline(input.stream, inspector, createWriteStream(spool, { flags: 'wx' }));
      const size = (await stat(spool)).size;
      const image = kindOf(contentType) === 'IMAGE' ? await this.thumbnail(spool, thumbSpool) : null;
      const key = `${caller.scope.appId}/${randomBytes(16).toString('hex')}`;
      const thumbKey = image?.thumb ? `${key}.thumb` : null;
      try {
        await this.store.putFile(key, spool, size, contentType);
        if (image?.thumb) await this.store.putFile(thumbKey!, thumbSpool, image.thumb.size, image.thumb.type);
        const row = await this.media.insert(caller.scope, {
          ...ownerOf(caller), storageKey: key, thumbKey, thumbType: image?.thumb?.type ?? null, thumbSize: image?.thumb?.size ?? null, name, contentType, size,
          width: image?.width ?? null, height: image?.height ?? null, createdAt: new Date(),
        });
        return this.urls.sign(caller.scope.appId, toAttachmentFile(row));
      } catch (error) {
        await this.store.remove(thumbKey ? [key, thumbKey] : [key]).catch((e: unknown) => this.log.warn({ err: e, key }, 'could not remove a stored upload that failed'));
        throw error;
      }
    } finally {
      await rm(spool, { force: true });
      await rm(thumbSpool, { force: true });
    }
  }

  /**
   * Before a byte is read: the caller's upload rate (429 RATE_LIMITED past MEDIA_UPLOADS_PER_MINUTE),
   * then a body whose Content-Length is already far over the app's limit is refused (413).
   */
  async admit(caller: ScopedPrincipal, contentLength: number): Promise<void> {
    await this.rate.consume(caller.scope, ownerOf(caller));
    const { maxUploadBytes } = await this.apps.settings(caller.scope);
    if (Number.isFinite(contentLength) && contentLength > maxUploadBytes + MULTIPART_OVERHEAD) {
      throw tooLarge(maxUploadBytes);
    }
  }

  /** Takes back an upload the transport stored but then refused (a second file part after it): row and bytes go. */
  async withdraw(caller: ScopedPrincipal, id: string): Promise<void> {
    const row = await this.media.findById(caller.scope, id);
    if (row && !row.attachedAt) await this.discard([row]);
  }

  /** Pixel size and a thumbnail (at most 320 px on the long side, JPEG, or PNG for images with alpha); null for images sharp cannot read or that are over MAX_IMAGE_PIXELS. */
  private async thumbnail(path: string, thumbPath: string): Promise<{ width: number; height: number; thumb: { size: number; type: string } | null } | null> {
    try {
      const meta = await sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
      const width = meta.autoOrient?.width ?? meta.width;
      const height = meta.autoOrient?.height ?? meta.height;
      const png = Boolean(meta.hasAlpha);
      const made = await sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS }).autoOrient()
        .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true })
        .toFormat(png ? 'png' : 'jpeg').toFile(thumbPath);
      return { width, height, thumb: { size: made.size, type: png ? 'image/png' : 'image/jpeg' } };
    } catch (error) {
      this.log.debug({ err: error }, 'no thumbnail: sharp could not read the image');
      return null;
    }
  }

  /**
   * Takes the caller's uploads for one message. NOT_FOUND for an id that is not an upload of this
   * caller in this app (another user's, another app's, or none: the same answer); CONFLICT for an
   * upload already attached (or being attached by another send). Then attach or release.
   */
  async claim(scope: AppScope, owner: MediaOwner, ids: readonly string[]): Promise<MediaClaim> {
    if (ids.length > MAX_ATTACHMENTS) throw badInput(`A message takes at most ${MAX_ATTACHMENTS} attachments`);
    if (new Set(ids).size !== ids.length) throw badInput('attachmentIds lists an upload twice');
    const rows = new Map((await this.media.findByIds(scope, ids)).map((row) => [row.id, row]));
    for (const id of ids) {
      const row = rows.get(id);
      const mine = row && (owner.byApp ? row.byApp : !row.byApp && row.uploaderId === owner.uploaderId);
      if (!row || !mine) throw notFound(`Attachment ${id}`);
      if (row.attachedAt || row.claim) throw conflict(`Attachment ${id} is already attached to a message; upload the file again to send it again`);
    }
    const token = randomUUID();
    if ((await this.media.claim(scope, ids, owner, token, new Date())) !== ids.length) {
      await this.media.release(scope, token);
      throw conflict('An attachment was attached by another send at the same time');
    }
    return { token, files: ids.map((id) => toAttachmentFile(rows.get(id)!)) };
  }

  /**
   * The claimed uploads become the message's. Fewer rows than files means the claim was lost
   * meanwhile (only a sweep of a claim over an hour old takes one): the message is stored and
   * announced already, so this is reported (error log) rather than thrown; returns how many attached.
   */
  async attach(scope: AppScope, claim: MediaClaim, messageId: string, roomId: string): Promise<number> {
    const attached = await this.media.attach(scope, claim.token, messageId, roomId, new Date());
    if (attached !== claim.files.length) {
      this.log.error({ messageId, attached, claimed: claim.files.length }, 'a message lost attachments: their claim was taken before the send finished');
    }
    return attached;
  }

  async release(scope: AppScope, claim: MediaClaim): Promise<void> {
    await this.media.release(scope, claim.token);
  }

  /** The message was deleted: its files leave the store now (or, if the store fails, with the sweeper's next pass). */
  async removeForMessage(scope: AppScope, messageId: string): Promise<void> {
    const rows = await this.media.listByMessage(scope, messageId);
    if (rows.length === 0) return;
    await this.media.orphanMessageFiles(scope, messageId);
    await this.discard(rows).catch((error: unknown) => this.log.warn({ err: error, messageId }, 'could not remove a deleted message\'s files yet; the sweeper will'));
  }

  /** An attachment as `appId`'s readers get it (URLs signed now). */
  sign(appId: string, file: AttachmentFile): Attachment {
    return this.urls.sign(appId, file);
  }

  /** Signed for a legacy chat line, which stays on screen longer than an API answer. */
  signForLegacy(appId: string, file: AttachmentFile): Attachment {
    return this.urls.signForLegacy(appId, file);
  }

  /** What a signed URL opens: FORBIDDEN for a bad or expired signature, NOT_FOUND for a file that is gone. */
  async resolveSigned(id: string, query: SignedQuery): Promise<MediaDownload> {
    if (!/^[1-9]\d{0,18}$/.test(id)) throw notFound('File');
    const verdict = this.urls.verify(id, query);
    if (!verdict.ok) throw forbidden(verdict.reason);
    // The verified signature names the app, as a verified token does: it is where this request's scope comes from.
    const row = await this.media.findById(scopeOf(verdict.appId), id);
    if (!row) throw notFound('File');
    if (verdict.variant === 'thumb') {
      if (!row.thumbKey) throw notFound('Thumbnail');
      return { key: row.thumbKey, contentType: row.thumbType ?? 'image/jpeg', name: 'thumbnail', size: row.thumbSize ?? 0, expiresAt: verdict.expiresAt, variant: 'thumb' };
    }
    return { key: row.storageKey, contentType: row.contentType, name: row.name, size: row.size, expiresAt: verdict.expiresAt, variant: 'file' };
  }

  /** The stored bytes (or a range); NOT_FOUND when the store no longer has them. */
  async open(file: MediaDownload, range?: ByteRange): Promise<Readable> {
    try {
      return await this.store.open(file.key, range);
    } catch (error) {
      if (error instanceof MissingObjectError) throw notFound('File');
      throw error;
    }
  }

  /** One sweeper pass: orphans (room or uploader deleted, message deleted), then uploads never attached for a day. */
  async sweep(now = Date.now()): Promise<number> {
    const orphans = await this.media.orphans();
    await this.discard(orphans);
    const ttl = this.config.media.unattachedTtlSeconds * 1000;
    const stale = await this.media.takeStale(new Date(now - ttl), new Date(now - STALE_CLAIM_MS), randomUUID(), new Date(now));
    await this.discard(stale);
    return orphans.length + stale.length;
  }

  /** Whether the store has the object (tests, operators). */
  storeHas(key: string): Promise<boolean> {
    return this.store.exists(key);
  }

  private async discard(rows: readonly MediaEntity[]): Promise<void> {
    if (rows.length === 0) return;
    await this.store.remove(rows.flatMap((row) => (row.thumbKey ? [row.storageKey, row.thumbKey] : [row.storageKey])));
    await this.media.deleteSwept(rows.map((row) => row.id));
  }
}

const tooLarge = (maxUploadBytes: number) =>
  new ChatError('BAD_USER_INPUT', `The file is larger than this app's limit of ${maxUploadBytes} bytes`, { httpStatus: 413, maxUploadBytes });

/** The uploader as the media rows name it. */
export const ownerOf = (caller: ScopedPrincipal): MediaOwner =>
  caller.kind === 'user' ? { uploaderId: caller.userId, byApp: false } : { uploaderId: null, byApp: true };

/** A signed URL names its app; the signature (checked first) proves it. */
const isControl = (c: string) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f);

/** A file name as kept and shown: one name, no path, no control characters. */
function checkName(raw: string | null): string {
  const name = (raw ?? '').normalize('NFC').trim();
  if (name === '') return 'file';
  if ([...name].some(isControl)) throw badInput('The file name must not contain control characters');
  if (/[/\\]/.test(name) || name === '.' || name === '..') throw badInput('The file name must be a name, not a path (no / or \\)');
  if ([...name].length > NAME_MAX) throw badInput(`The file name must be at most ${NAME_MAX} characters`);
  return name;
}

/** The stored type: what the first bytes are; else the declared type when it is plain text-like; else application/octet-stream. */
async function sniff(head: Buffer, declared: string | null, allowed: readonly MediaKindValue[]): Promise<string> {
  const found = await fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES));
  const declaredType = declared?.split(';')[0].trim().toLowerCase() || null;
  const contentType = found?.mime ?? (declaredType && PLAIN_TYPES.has(declaredType) ? declaredType : 'application/octet-stream');
  const kind = kindOf(contentType);
  if (!allowed.includes(kind)) {
    const lie = declaredType && declaredType !== contentType ? ` (declared ${declaredType}, but the bytes are ${contentType})` : ` (${contentType})`;
    throw new ChatError('BAD_USER_INPUT', `This app does not take ${kind.toLowerCase()} files${lie}; it takes ${allowed.map((k) => k.toLowerCase()).join(', ')}`, { httpStatus: 415 });
  }
  return contentType;
}
