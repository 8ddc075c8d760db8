import { randomBytes } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig, DatabaseConfig, PRESENCE_TIMING, QUERY_LIMITS } from './app-config.js';
import { EnvSchema } from './env.schema.js';

/** Thrown at boot; its message is the one line printed before exit 1. */
export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = plainToInstance(EnvSchema, raw);
  const [first] = validateSync(parsed, { forbidUnknownValues: false });
  if (first) {
    const why = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    const shown = first.property === 'CHAT_ADMIN_KEY' ? '' : ` (got "${String(first.value ?? '')}")`;
    throw new ConfigError(`Invalid configuration: ${first.property} ${why}${shown}`);
  }
  const production = parsed.NODE_ENV === 'production';
  return new AppConfig({
    port: parsed.PORT ?? 3000,
    database: parseDatabaseUrl(parsed.DATABASE_URL ?? 'sqlite:./data/chat.sqlite'),
    redisUrl: parsed.REDIS_URL ?? null,
    adminKey: parsed.CHAT_ADMIN_KEY ?? randomBytes(24).toString('base64url'),
    adminKeyGenerated: parsed.CHAT_ADMIN_KEY === undefined,
    production,
    logLevel: parsed.LOG_LEVEL ?? (parsed.NODE_ENV === 'test' ? 'warn' : 'info'),
    queryLimits: {
      maxDepth: parsed.GRAPHQL_MAX_DEPTH ?? QUERY_LIMITS.maxDepth,
      maxAliases: parsed.GRAPHQL_MAX_ALIASES ?? QUERY_LIMITS.maxAliases,
      maxDirectives: parsed.GRAPHQL_MAX_DIRECTIVES ?? QUERY_LIMITS.maxDirectives,
      maxTokens: parsed.GRAPHQL_MAX_TOKENS ?? QUERY_LIMITS.maxTokens,
      maxCost: parsed.GRAPHQL_MAX_COST ?? QUERY_LIMITS.maxCost,
    },
    presence: PRESENCE_TIMING,
  });
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
