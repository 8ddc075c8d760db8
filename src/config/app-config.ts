export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'mysql'; url: string };

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

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}
