import { createSecretKey, KeyObject } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { badInput, notFound } from '../common/errors/chat-error.js';
import { InvalidatedCache } from '../common/invalidated-cache.js';
import { AppScope, scopeOf } from '../database/app-scope.js';
import { UnitOfWork } from '../database/transaction.js';
import { EventBus } from '../realtime/event-bus.js';
import { newAppSecret } from '../principal/secrets.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { UserTokensRepository } from '../users/user-tokens.repository.js';
import { Room, toRoom } from '../rooms/room.model.js';
import { AppEntity } from './app.entity.js';
import { AppSettings, DEFAULT_ON_TIMEOUT, HookFallbackValue, PRE_SEND_TIMEOUT_RANGE, PreSendHookSettings, withDefaults } from './app-settings.js';
import { HookTargets } from './hook-targets.js';
import { App, CreatedApp } from './app.model.js';
import { AppsRepository } from './apps.repository.js';
import { normalizeOrigin, originAllowed } from '../common/origins.js';

export const LOBBY_KEY = 'lobby';

/** What credential checks need of an app, cached briefly so a request costs no extra query. */
export interface AppCredentials {
  id: string;
  secret: string;
  /** The secret as a ready HMAC key: verifying with it spares jsonwebtoken its key parsing per token. */
  verifyKey: KeyObject;
  settings: AppSettings;
}

/** A safety net only: app.changed drops an app's entry on every instance at once. */
const CACHE_TTL_MS = 10_000;
const MAX_CACHED_APPS = 10_000;
/** Settings are stored as JSON in a TEXT column: under MySQL's 65,535 bytes, the same limit on every driver. */
const MAX_SETTINGS_BYTES = 60_000;

@Injectable()
export class AppsService implements OnModuleInit {
  /** Unknown ids are not remembered: ids sent by anyone must not grow the cache. */
  private readonly cache = new InvalidatedCache<AppCredentials>(CACHE_TTL_MS, MAX_CACHED_APPS, false);
  private readonly lobbyIds = new Map<string, string>();

  constructor(
    private readonly apps: AppsRepository,
    private readonly rooms: RoomsRepository,
    private readonly tokens: UserTokensRepository,
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    private readonly hookTargets: HookTargets,
  ) {}

  onModuleInit() {
    // Another instance rotated a secret or changed settings: stop trusting the cached copy at once.
    this.events.onEvent((event) => { if (event.type === 'app.changed') this.cache.delete(event.appId); });
  }

  /** Creates the app and its lobby (key "lobby", OPEN) in one transaction. */
  async create(name: string): Promise<CreatedApp> {
    const secret = newAppSecret();
    const app = await this.uow.run(async (tx) => {
      const row = await this.apps.insert({ name: name.trim(), secret }, tx);
      // A brand-new tenant: this is where its scope first exists.
      await this.rooms.insert(scopeOf(row.id), { key: LOBBY_KEY, name: 'Lobby', type: 'OPEN' }, tx);
      return row;
    });
    return { app: toApp(app), secret };
  }

  async list(offset: number, limit: number): Promise<{ nodes: App[]; total: number }> {
    const [rows, total] = await this.apps.listPage(offset, limit);
    return { nodes: rows.map(toApp), total };
  }

  async rotateSecret(appId: string): Promise<CreatedApp> {
    const app = await this.apps.findById(appId);
    if (!app) throw notFound('App');
    const secret = newAppSecret();
    await this.uow.run(async (tx) => {
      await this.apps.updateSecret(app.id, secret, tx);
      // Tokens signed with the old secret stop verifying; their records (legacy hashed_token) go too.
      await this.tokens.revokeAllForApp(scopeOf(app.id), new Date(), tx);
    });
    // Drops the cached copy here too, and closes the sockets the old secret or its tokens opened.
    await this.events.publish({ type: 'app.changed', appId: app.id, roomId: null, secretRotated: true });
    return { app: toApp(app), secret };
  }

  async require(scope: AppScope): Promise<App> {
    const app = await this.apps.findById(scope.appId);
    if (!app) throw notFound('App');
    return toApp(app);
  }

  /** The id of the app's lobby, remembered: a lobby is never deleted and keeps its key. */
  async lobbyId(scope: AppScope): Promise<string> {
    let id = this.lobbyIds.get(scope.appId);
    if (!id) {
      id = (await this.lobby(scope)).id;
      this.lobbyIds.set(scope.appId, id);
    }
    return id;
  }

  async lobby(scope: AppScope): Promise<Room> {
    const room = await this.rooms.findByKey(scope, LOBBY_KEY);
    if (!room) throw notFound('Lobby');
    return toRoom(room);
  }

  async settings(scope: AppScope): Promise<AppSettings> {
    const app = await this.credentials(scope.appId);
    if (!app) throw notFound('App');
    return app.settings;
  }

  /**
   * Whether a browser page of `origin` (a socket handshake's Origin header) may use the app:
   * every origin while its allowedOrigins is empty, else the listed ones; no Origin header
   * (no browser page) is let through (origins.ts says why).
   */
  async allowsOrigin(scope: AppScope, origin: string | undefined): Promise<boolean> {
    return originAllowed((await this.settings(scope)).allowedOrigins, origin);
  }

  /** Changes the given settings; the rest stay. A null (GraphQL's explicit null) puts that one back to its default. */
  async updateSettings(scope: AppScope, input: SettingsChanges): Promise<AppSettings> {
    const { preSendHook, ...changes } = input;
    const checked: StoredChanges = changes.allowedOrigins ? { ...changes, allowedOrigins: normalizeOrigins(changes.allowedOrigins) } : changes;
    if (preSendHook !== undefined) checked.preSendHook = preSendHook && (await this.checkPreSendHook(preSendHook));
    const app = await this.apps.findById(scope.appId);
    if (!app) throw notFound('App');
    const next = withDefaults(applyChanges(app.settings ?? {}, checked));
    const size = Buffer.byteLength(JSON.stringify(next));
    if (size > MAX_SETTINGS_BYTES) throw badInput(`The settings would take ${size} bytes; at most ${MAX_SETTINGS_BYTES}: shorten the word list or the origins`);
    await this.apps.updateSettings(app.id, next);
    await this.events.publish({ type: 'app.changed', appId: app.id, roomId: null, secretRotated: false }); // drops the cached copy here too
    return next;
  }

  /** The hook as stored: its URL checked (BAD_USER_INPUT), the defaults filled in. */
  private async checkPreSendHook(hook: PreSendHookChange): Promise<PreSendHookSettings> {
    const timeoutMs = hook.timeoutMs ?? PRE_SEND_TIMEOUT_RANGE.default;
    if (!Number.isInteger(timeoutMs) || timeoutMs < PRE_SEND_TIMEOUT_RANGE.min || timeoutMs > PRE_SEND_TIMEOUT_RANGE.max) {
      throw badInput(`preSendHook.timeoutMs must be ${PRE_SEND_TIMEOUT_RANGE.min}-${PRE_SEND_TIMEOUT_RANGE.max}`);
    }
    return { url: await this.hookTargets.check('preSendHook.url', hook.url), timeoutMs, onTimeout: hook.onTimeout ?? DEFAULT_ON_TIMEOUT };
  }

  /** The app's secret and settings, or null when no such app exists (unscoped: used to verify credentials). */
  credentials(appId: string): Promise<AppCredentials | null> {
    // A read that began before a rotation does not keep the old secret (InvalidatedCache).
    return this.cache.read(appId, async () => {
      const row = await this.apps.findById(appId);
      return row ? { id: row.id, secret: row.secret, verifyKey: createSecretKey(Buffer.from(row.secret, 'utf8')), settings: withDefaults(row.settings) } : null;
    });
  }
}

/** The pre-send hook as the app backend gives it: timeoutMs and onTimeout may be left to their defaults. */
export interface PreSendHookChange { url: string; timeoutMs?: number | null; onTimeout?: HookFallbackValue | null }

/** What the stored settings get: a field left out stays, null goes back to the default. */
type StoredChanges = { [K in keyof AppSettings]?: AppSettings[K] | null };

/** What updateSettings takes: a field left out stays, null goes back to the default (for preSendHook: none). */
export type SettingsChanges = Omit<StoredChanges, 'preSendHook'> & { preSendHook?: PreSendHookChange | null };

const applyChanges = (stored: Partial<AppSettings>, changes: StoredChanges): Partial<AppSettings> => {
  const next: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next as Partial<AppSettings>;
};

/** Each entry as the gateway compares it (scheme://host[:port]), duplicates dropped; anything else is refused. */
function normalizeOrigins(entries: readonly string[]): string[] {
  const origins = new Set<string>();
  for (const entry of entries) {
    const origin = normalizeOrigin(entry);
    if (origin === null) {
      throw badInput(`allowedOrigins: ${JSON.stringify(entry)} is not an origin; write scheme://host[:port] (http or https, no path), e.g. "https://game.example"`);
    }
    origins.add(origin);
  }
  return [...origins];
}

const toApp = (row: AppEntity): App => ({ id: row.id, name: row.name, createdAt: row.createdAt });
