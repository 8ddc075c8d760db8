export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'mysql'; url: string };

/** Presence across instances (REDIS_URL set): heartbeats, and how soon a silent instance counts as dead. */
export interface PresenceTiming {
  /** How often each instance renews its heartbeat. */
  heartbeatMs: number;
  /** An instance whose last heartbeat is older than this is dead: its connections are dropped. */
  deadAfterMs: number;
  /** How often each instance looks for dead ones. */
  reapEveryMs: number;
}

/** Defaults: an instance killed without a goodbye leaves presence within deadAfterMs + reapEveryMs (12 s). */
export const PRESENCE_TIMING: PresenceTiming = { heartbeatMs: 2_000, deadAfterMs: 10_000, reapEveryMs: 2_000 };

/**
 * How big one GraphQL operation may be (HTTP and graphql-ws alike); refused before it runs.
 * Env: GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_ALIASES, GRAPHQL_MAX_DIRECTIVES, GRAPHQL_MAX_TOKENS, GRAPHQL_MAX_COST.
 */
export interface QueryLimits {
  /** Nested field levels (the schema introspection of IDEs and codegen is not counted). */
  maxDepth: number;
  /** Aliased fields, fragments counted each time they are spread. */
  maxAliases: number;
  /** Directives (@include, @skip, …), likewise. */
  maxDirectives: number;
  /** Lexical tokens of the whole document (comments not counted), checked while parsing. */
  maxTokens: number;
  /** graphql-armor's cost: 1 per scalar field, 2 per object field, each level down weighing 1.5×. */
  maxCost: number;
}

/** Far above what the console, the IDE and ordinary clients send (README, "Limits"). */
export const QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxTokens: 5_000, maxCost: 5_000 };

/** Where uploaded files are kept (MEDIA_STORE). */
export type MediaStoreConfig =
  /** `ephemeral`: a temporary directory removed at shutdown (the database is in memory too). */
  | { kind: 'local'; dir: string; ephemeral: boolean }
  | {
      kind: 's3'; bucket: string; endpoint: string | null; region: string; forcePathStyle: boolean;
      credentials: { accessKeyId: string; secretAccessKey: string } | null;
    };

/** Media: the store, URL signing and the lifetimes (README "Media"). */
export interface MediaConfig {
  store: MediaStoreConfig;
  /** The HMAC key of media URLs (MEDIA_URL_SECRET, else derived from the operator key). */
  urlKey: Buffer;
  /** How long a URL in a GraphQL answer or an upload's answer opens its file. */
  urlTtlSeconds: number;
  /** How long a URL in a legacy chat line opens its file (the line stays on an open page). */
  legacyUrlTtlSeconds: number;
  /** Absolute base of media URLs (PUBLIC_URL), or null for root-relative URLs. */
  publicUrl: string | null;
  /** Uploads never attached to a message are removed after this long. */
  unattachedTtlSeconds: number;
  /** How often each instance looks for uploads to remove. */
  sweepEveryMs: number;
  /** Uploads one uploader (a user, or the app backend) may start per minute; past it 429 RATE_LIMITED. */
  uploadsPerMinute: number;
}

/** Outgoing mail (SMTP_URL, MAIL_FROM): without an SMTP URL, mail is written to the log. */
export interface MailConfig {
  smtpUrl: string | null;
  from: string;
}

/** The talker API (README "Talker API"). */
export interface TalkerConfig {
  /** TALKER_APP_ID; null: a non-production server makes (once) and uses an app named `talker`, production serves no talker API. */
  appId: string | null;
  /** Failed logins allowed per account, and per client address, within loginWindowSeconds; then TOO_MANY_ATTEMPTS. */
  loginAttemptsPerAccount: number;
  loginAttemptsPerAddress: number;
  loginWindowSeconds: number;
}

/** Webhook sending (README "Webhooks"). */
export interface WebhookConfig {
  /** The wait after each failed attempt; a failure after the last one marks the delivery FAILED. */
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  concurrency: number;
  pollMs: number;
}

/** 5 s, 30 s, 2 min, 10 min, 1 h, 6 h: seven attempts over about 7 hours. */
export const WEBHOOK_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000];

/** The validated configuration every module reads (injected by class token). */
export class AppConfig {
  readonly port!: number;
  readonly database!: DatabaseConfig;
  readonly redisUrl!: string | null;
  readonly adminKey!: string;
  /** True when CHAT_ADMIN_KEY was not set and a key was generated for this run. */
  readonly adminKeyGenerated!: boolean;
  readonly production!: boolean;
  readonly logLevel!: string;
  /** The proxies in front (TRUST_PROXY): how many hops, or their addresses and subnets; 0 trusts none. */
  readonly trustProxy!: number | readonly string[];
  readonly queryLimits!: QueryLimits;
  readonly media!: MediaConfig;
  readonly mail!: MailConfig;
  readonly talker!: TalkerConfig;
  readonly webhooks!: WebhookConfig;
  /** Not an env var: the defaults fit production; tests start instances with shorter ones. */
  readonly presence!: PresenceTiming;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}
