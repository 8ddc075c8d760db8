import { createHmac, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig, DatabaseConfig, MediaConfig, PRESENCE_TIMING, QUERY_LIMITS, WEBHOOK_RETRY_DELAYS_MS } from './app-config.js';
import proxyaddr from 'proxy-addr';
import { EnvSchema } from './env.schema.js';

/** Variables whose value is never printed, even when it is wrong. */
const SECRET_VARIABLES = new Set(['SMTP_URL', 'CHAT_ADMIN_KEY', 'MEDIA_URL_SECRET', 'MEDIA_S3_SECRET_ACCESS_KEY', 'MEDIA_S3_ACCESS_KEY_ID']);

/** Thrown at boot; its message is the one line printed before exit 1. */
export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = plainToInstance(EnvSchema, raw);
  const [first] = validateSync(parsed, { forbidUnknownValues: false });
  if (first) {
    const why = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    const shown = SECRET_VARIABLES.has(first.property) ? '' : ` (got "${String(first.value ?? '')}")`;
    throw new ConfigError(`Invalid configuration: ${first.property} ${why}${shown}`);
  }
  const production = parsed.NODE_ENV === 'production';
  const database = parseDatabaseUrl(parsed.DATABASE_URL ?? 'sqlite:./data/chat.sqlite');
  const adminKey = parsed.CHAT_ADMIN_KEY ?? randomBytes(24).toString('base64url');
  return new AppConfig({
    port: parsed.PORT ?? 3000,
    database,
    redisUrl: parsed.REDIS_URL ?? null,
    adminKey,
    adminKeyGenerated: parsed.CHAT_ADMIN_KEY === undefined,
    production,
    logLevel: parsed.LOG_LEVEL ?? (parsed.NODE_ENV === 'test' ? 'warn' : 'info'),
    trustProxy: parseTrustProxy(parsed.TRUST_PROXY),
    queryLimits: {
      maxDepth: parsed.GRAPHQL_MAX_DEPTH ?? QUERY_LIMITS.maxDepth,
      maxAliases: parsed.GRAPHQL_MAX_ALIASES ?? QUERY_LIMITS.maxAliases,
      maxDirectives: parsed.GRAPHQL_MAX_DIRECTIVES ?? QUERY_LIMITS.maxDirectives,
      maxTokens: parsed.GRAPHQL_MAX_TOKENS ?? QUERY_LIMITS.maxTokens,
      maxCost: parsed.GRAPHQL_MAX_COST ?? QUERY_LIMITS.maxCost,
    },
    presence: PRESENCE_TIMING,
    media: mediaConfig(parsed, database, adminKey),
    mail: { smtpUrl: parsed.SMTP_URL ?? null, from: parsed.MAIL_FROM ?? 'chat@localhost' },
    talker: {
      appId: parsed.TALKER_APP_ID ?? null,
      loginAttemptsPerAccount: parsed.TALKER_LOGIN_ATTEMPTS_PER_ACCOUNT ?? 10,
      loginAttemptsPerAddress: parsed.TALKER_LOGIN_ATTEMPTS_PER_ADDRESS ?? 100,
      loginWindowSeconds: parsed.TALKER_LOGIN_WINDOW_SECONDS ?? 900,
    },
    webhooks: {
      retryDelaysMs: parsed.WEBHOOK_RETRY_DELAYS_MS?.split(',').map(Number) ?? WEBHOOK_RETRY_DELAYS_MS,
      timeoutMs: parsed.WEBHOOK_TIMEOUT_MS ?? 10_000,
      concurrency: parsed.WEBHOOK_CONCURRENCY ?? 32,
      pollMs: parsed.WEBHOOK_POLL_MS ?? 1_000,
    },
  });
}

/** TRUST_PROXY as a hop count or a list the proxy-addr package accepts (it throws on a bad address). */
function parseTrustProxy(value: string | undefined): number | string[] {
  if (value === undefined) return 0;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value.split(',').map((item) => item.trim());
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: TRUST_PROXY ${(error as Error).message} (got "${value}")`);
  }
  return list;
}

function mediaConfig(env: EnvSchema, database: DatabaseConfig, adminKey: string): MediaConfig {
  const s3 = env.MEDIA_STORE === 's3';
  return {
    store: s3
      ? {
          kind: 's3', bucket: env.MEDIA_S3_BUCKET!, endpoint: env.MEDIA_S3_ENDPOINT ?? null, region: env.MEDIA_S3_REGION ?? 'us-east-1',
          forcePathStyle: env.MEDIA_S3_FORCE_PATH_STYLE === 'true' || env.MEDIA_S3_FORCE_PATH_STYLE === '1',
          credentials: env.MEDIA_S3_ACCESS_KEY_ID ? { accessKeyId: env.MEDIA_S3_ACCESS_KEY_ID, secretAccessKey: env.MEDIA_S3_SECRET_ACCESS_KEY! } : null,
        }
      : localStore(env, database),
    // Every instance of a deployment shares the operator key (or MEDIA_URL_SECRET), so a URL signed by one opens on all.
    urlKey: createHmac('sha256', env.MEDIA_URL_SECRET ?? adminKey).update('media-url-v1').digest(),
    urlTtlSeconds: env.MEDIA_URL_TTL_SECONDS ?? 3600,
    legacyUrlTtlSeconds: env.MEDIA_LEGACY_URL_TTL_SECONDS ?? 7 * 86_400,
    publicUrl: env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : null,
    unattachedTtlSeconds: env.MEDIA_UNATTACHED_TTL_SECONDS ?? 86_400,
    sweepEveryMs: (env.MEDIA_SWEEP_INTERVAL_SECONDS ?? 60) * 1000,
    uploadsPerMinute: env.MEDIA_UPLOADS_PER_MINUTE ?? 30,
  };
}

/** MEDIA_LOCAL_DIR, else media/ beside the SQLite file (./data/media for MySQL); an in-memory database gets a temporary one. */
function localStore(env: EnvSchema, database: DatabaseConfig): MediaConfig['store'] {
  if (env.MEDIA_LOCAL_DIR) return { kind: 'local', dir: env.MEDIA_LOCAL_DIR, ephemeral: false };
  if (database.kind === 'sqlite' && database.path === ':memory:') {
    return { kind: 'local', dir: join(tmpdir(), `chat-media-${process.pid}-${randomBytes(6).toString('hex')}`), ephemeral: true };
  }
  return { kind: 'local', dir: join(database.kind === 'sqlite' ? dirname(database.path) : './data', 'media'), ephemeral: false };
}

function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: url.slice('sqlite:'.length) };
  try {
    const parsed = new URL(url);
    if (!parsed.hostname || parsed.pathname.length < 2) throw new Error('no database name');
  } catch {
    throw new ConfigError(`Invalid configuration: DATABASE_URL must be mysql://user:pass@host:port/db (got "${redact(url)}")`);
  }
  return { kind: 'mysql', url };
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
