import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';

/** The package root: the nearest folder above this file holding package.json (src/ or dist/src/ alike). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('console: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

const OWN = 'src/console/public';

/**
 * Every file the console serves, by name. Paths are fixed here, never built from a URL: a name
 * not in this list is a 404. Third-party files come from npm packages (no CDN, works offline).
 */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  'console.css': { file: `${OWN}/console.css`, type: 'text/css; charset=utf-8' },
  'dom.js': { file: `${OWN}/dom.js`, type: 'text/javascript; charset=utf-8' },
  'home.js': { file: `${OWN}/home.js`, type: 'text/javascript; charset=utf-8' },
  'mails.js': { file: `${OWN}/mails.js`, type: 'text/javascript; charset=utf-8' },
  'legacy.js': { file: `${OWN}/legacy.js`, type: 'text/javascript; charset=utf-8' },
  'graphql-chat.js': { file: `${OWN}/graphql-chat.js`, type: 'text/javascript; charset=utf-8' },
  'graphiql-page.js': { file: `${OWN}/graphiql-page.js`, type: 'text/javascript; charset=utf-8' },
  'socket.io.min.js': { file: 'node_modules/socket.io/client-dist/socket.io.min.js', type: 'text/javascript; charset=utf-8' },
  'graphql-ws.min.js': { file: 'node_modules/graphql-ws/umd/graphql-ws.min.js', type: 'text/javascript; charset=utf-8' },
  'react.production.min.js': { file: 'node_modules/react/umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { file: 'node_modules/react-dom/umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.min.js': { file: 'node_modules/graphiql/graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.min.css': { file: 'node_modules/graphiql/graphiql.min.css', type: 'text/css; charset=utf-8' },
};

const CONSOLE_PAGES = {
  home: `${OWN}/index.html`,
  legacy: `${OWN}/legacy.html`,
  graphql: `${OWN}/graphql.html`,
  graphiql: `${OWN}/graphiql.html`,
} as const;
export type ConsolePage = keyof typeof CONSOLE_PAGES;

/**
 * Pages may load scripts, styles and connections from this server only (the legacy page may also
 * connect to the chat server its chat_uri names: connectSourcesFor). Inline styles stay
 * allowed for GraphiQL (React style attributes); fonts and icons inside its CSS are data: URLs.
 */
const pageCsp = (connectTo: string[]) => [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "font-src 'self' data:", ["connect-src 'self'", ...connectTo].join(' '), "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');
const PAGE_CSP = pageCsp([]);

/**
 * CSP sources for a page that talks to another chat server (the legacy page's chat_uri): its
 * origin as given (already normalized, so nothing but scheme://host[:port] reaches the header)
 * and the WebSocket form of it, which an http(s) source does not cover.
 */
export const connectSourcesFor = (origin: string): string[] => [origin, origin.replace(/^http/, 'ws')];

/** A file as served: its bytes and their ETag, computed once when the file is first read. */
interface LoadedFile {
  body: Buffer;
  etag: string;
}

/**
 * Reads the allow-listed files once and serves them from memory. Each answer carries the file's
 * ETag (the app sends none of its own), so a browser revalidates with If-None-Match and gets a 304.
 */
@Injectable()
export class ConsoleAssets implements OnModuleInit {
  private readonly root = packageRoot();
  private readonly cache = new Map<string, Promise<LoadedFile>>();

  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  static has(name: string): boolean {
    return Object.hasOwn(ASSETS, name);
  }

  /** Says at start, once, when an install lacks the console's files (the API runs on without them). */
  onModuleInit(): void {
    const files = [...Object.values(CONSOLE_PAGES), ...Object.values(ASSETS).map((asset) => asset.file)];
    const missing = files.filter((file) => !existsSync(join(this.root, file)));
    if (missing.length > 0) {
      this.log.warn({ root: this.root, missing }, `web console: ${missing.length} of its files are missing under ${this.root}; those pages answer 503`);
    }
  }

  /** `connectTo`: further origins the page may connect to (CSP connect-src), beside this server. */
  async sendPage(res: Response, page: ConsolePage, connectTo: string[] = []): Promise<void> {
    const file = await this.read(CONSOLE_PAGES[page]);
    if (!file) return unavailable(res);
    res.status(200)
      .set({
        etag: file.etag,
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'content-security-policy': connectTo.length > 0 ? pageCsp(connectTo) : PAGE_CSP,
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      })
      .send(file.body);
  }

  /** False when the name is not an allow-listed asset (the caller answers 404). */
  async sendAsset(res: Response, name: string): Promise<boolean> {
    if (!ConsoleAssets.has(name)) return false;
    const asset = ASSETS[name];
    const file = await this.read(asset.file);
    if (!file) {
      unavailable(res);
      return true;
    }
    res.status(200)
      .set({ etag: file.etag, 'content-type': asset.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
      .send(file.body);
    return true;
  }

  /** The file's bytes and ETag, or null when this install does not have it. */
  private async read(relative: string): Promise<LoadedFile | null> {
    let file = this.cache.get(relative);
    if (!file) {
      file = readFile(join(this.root, relative)).then((body) => ({ body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` }));
      this.cache.set(relative, file);
    }
    try {
      return await file;
    } catch (error) {
      this.cache.delete(relative);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}

function unavailable(res: Response): void {
  res.status(503).set({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    .send('The web console is not installed with this server (its files are missing); the API works without it.\n');
}
