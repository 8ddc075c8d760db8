import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ChatError } from '../common/errors/chat-error.js';
import { toHttpError } from '../common/errors/http-error.formatter.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { Allow, Public } from '../principal/allow.decorator.js';
import { CurrentPrincipal } from '../principal/current-principal.decorator.js';
import type { ScopedPrincipal } from '../principal/principal.js';
import { parseRange } from './byte-range.js';
import { MediaService } from './media.service.js';
import type { SignedQuery } from './media-urls.js';
import { receiveOne } from './multipart-upload.js';

/** Content types a browser shows in place; everything else downloads (Content-Disposition: attachment). */
const INLINE = /^(image|video|audio)\/|^application\/pdf$|^text\/plain$/;

/**
 * The HTTP side of media: `POST /media` (multipart/form-data, one part named `file`) and
 * `GET /media/<id>[/<name>]?app&exp&sig[&v=thumb]` (signed URLs, range requests). Errors are
 * `{"error": {"code", "message"}}` (toHttpError), like every REST answer.
 */
@Controller('media')
export class MediaController {
  constructor(private readonly media: MediaService, @Inject(LOGGER) private readonly log: Logger) {}

  @Post()
  @Allow('user', 'app')
  async upload(@CurrentPrincipal() caller: ScopedPrincipal, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      await this.media.admit(caller, Number(req.headers['content-length'] ?? NaN));
      const attachment = await receiveOne(req, (file) => this.media.upload(caller, file), (id) => this.media.withdraw(caller, id));
      res.status(201).json(attachment);
    } catch (error) {
      this.fail(req, res, error);
    }
  }

  @Get([':id', ':id/:name'])
  @Public()
  async download(@Param('id') id: string, @Query() query: SignedQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    let stream: Readable | null = null;
    try {
      const file = await this.media.resolveSigned(id, query);
      const range = parseRange(req.headers.range, file.size);
      res.setHeader('Accept-Ranges', 'bytes');
      if (range === 'unsatisfiable') {
        res.setHeader('Content-Range', `bytes */${file.size}`);
        throw new ChatError('BAD_USER_INPUT', `Range not satisfiable: the file has ${file.size} bytes`, { httpStatus: 416 });
      }
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : file.size));
      if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
      res.setHeader('Content-Disposition', disposition(file.contentType, file.name));
      // A file is never changed under its id: caches keep it while the URL is valid (at most a day).
      res.setHeader('Cache-Control', `private, max-age=${Math.max(0, Math.min(86_400, file.expiresAt - Math.floor(Date.now() / 1000)))}`);
      res.setHeader('ETag', `"${id}-${file.variant}"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      if (req.method === 'HEAD') {
        res.status(range ? 206 : 200).end();
        return;
      }
      stream = await this.media.open(file, range ?? undefined);
      res.status(range ? 206 : 200);
      await pipeline(stream, res);
    } catch (error) {
      stream?.destroy();
      if ((error as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE') {
        // The client went away mid-download (a video seek, a cancelled image): nobody to answer, nothing wrong.
        res.destroy();
        return;
      }
      this.fail(req, res, error);
    }
  }

  private fail(req: Request, res: Response, error: unknown): void {
    const { status, body, expected } = toHttpError(error);
    if (!expected) this.log.error({ err: error, path: req.path }, 'unexpected error on a media request');
    else if (status === 503) this.log.warn({ err: error, path: req.path }, 'a media request failed: a dependency is out of reach');
    if (res.headersSent || res.destroyed) {
      res.destroy(); // mid-stream: the client sees the body cut short, never a second answer
      return;
    }
    for (const name of ['Content-Type', 'Content-Length', 'Content-Disposition', 'Cache-Control', 'ETag']) res.removeHeader(name);
    const retryAfter = error instanceof ChatError ? error.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(status).json(body);
  }
}

/** inline (or attachment) with the name in ASCII and in UTF-8 (RFC 6266). */
function disposition(contentType: string, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${INLINE.test(contentType) ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
