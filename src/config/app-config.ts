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
  /** Not an env var: the defaults fit production; tests start instances with shorter ones. */
  readonly presence!: PresenceTiming;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}
