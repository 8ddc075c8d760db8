import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Attachment, AttachmentFile } from './attachment.model.js';

export type MediaVariant = 'file' | 'thumb';

/** What a signed URL's query says, before it is checked. */
export interface SignedQuery {
  app?: unknown;
  exp?: unknown;
  sig?: unknown;
  v?: unknown;
}

export type Verdict = { ok: true; appId: string; variant: MediaVariant; expiresAt: number } | { ok: false; reason: string };

/**
 * Signed, expiring media URLs: `/media/<id>/<name>?app=<appId>&exp=<unix s>&sig=<hmac>` (plus
 * `&v=thumb` for the thumbnail). The HMAC covers the app, the file, the variant and the expiry,
 * under a key every instance shares (MEDIA_URL_SECRET, else derived from CHAT_ADMIN_KEY): a URL
 * opens exactly one file of one app until it expires, on any instance, with no headers, so it
 * works as an <img>/<video> src. Signing is synchronous (no lookup), so every read of a message
 * gets fresh URLs at no cost, in history, live events and legacy lines alike.
 */
@Injectable()
export class MediaUrls {
  constructor(private readonly config: AppConfig) {}

  /** The attachment as a reader gets it: URLs valid for `ttlSeconds` (the API's default when left out). */
  sign(appId: string, file: AttachmentFile, ttlSeconds = this.config.media.urlTtlSeconds, now = Date.now()): Attachment {
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const url = this.url(appId, file.id, 'file', exp, encodeURIComponent(file.name));
    const thumbnailUrl = file.hasThumbnail ? this.url(appId, file.id, 'thumb', exp, 'thumbnail') : null;
    return { id: file.id, url, contentType: file.contentType, name: file.name, size: file.size, width: file.width, height: file.height, thumbnailUrl };
  }

  /** Signs for the legacy chat line, which stays on an open page: MEDIA_LEGACY_URL_TTL_SECONDS. */
  signForLegacy(appId: string, file: AttachmentFile): Attachment {
    return this.sign(appId, file, this.config.media.legacyUrlTtlSeconds);
  }

  verify(id: string, query: SignedQuery, now = Date.now()): Verdict {
    const { app, exp, sig, v } = query;
    if (typeof app !== 'string' || !/^[1-9]\d{0,18}$/.test(app) || typeof exp !== 'string' || !/^\d{1,12}$/.test(exp) || typeof sig !== 'string') {
      return { ok: false, reason: 'This media URL is not signed: use the url of the attachment as the API gave it' };
    }
    const variant: MediaVariant | null = v === undefined ? 'file' : v === 'thumb' ? 'thumb' : null;
    if (variant === null) return { ok: false, reason: 'Unknown variant' };
    const expected = Buffer.from(this.signature(app, id, variant, Number(exp)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'This media URL\'s signature does not match' };
    if (Number(exp) * 1000 < now) return { ok: false, reason: 'This media URL expired: read the message again for a fresh one' };
    return { ok: true, appId: app, variant, expiresAt: Number(exp) };
  }

  private url(appId: string, id: string, variant: MediaVariant, exp: number, name: string): string {
    const query = `app=${appId}&exp=${exp}${variant === 'thumb' ? '&v=thumb' : ''}&sig=${this.signature(appId, id, variant, exp)}`;
    return `${this.config.media.publicUrl ?? ''}/media/${id}/${name}?${query}`;
  }

  private signature(appId: string, id: string, variant: MediaVariant, exp: number): string {
    return createHmac('sha256', this.config.media.urlKey).update(`${appId}:${id}:${variant}:${exp}`).digest('base64url');
  }
}
