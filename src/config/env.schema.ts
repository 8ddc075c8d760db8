import 'reflect-metadata';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { Type } from 'class-transformer';

/** Every environment variable the service reads, validated once at boot. Nothing else reads process.env. */
export class EnvSchema {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString()
  @Matches(/^(sqlite:.+|mysql:\/\/.+)$/, { message: 'must be sqlite:<path>, sqlite::memory: or mysql://user:pass@host:port/db' })
  DATABASE_URL?: string;

  @IsOptional() @IsString() @Matches(/^rediss?:\/\/.+/, { message: 'must be redis://host:port[/db] or rediss://…' })
  REDIS_URL?: string;

  @ValidateIf((env: EnvSchema) => env.NODE_ENV === 'production' || env.CHAT_ADMIN_KEY !== undefined)
  @IsString({ message: 'is required when NODE_ENV=production' }) @MinLength(16, { message: 'must be at least 16 characters' })
  CHAT_ADMIN_KEY?: string;

  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: 'development' | 'production' | 'test';

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  /** The proxies whose X-Forwarded-For is believed: a number of hops, or addresses, subnets and loopback/linklocal/uniquelocal, comma-separated. */
  @IsOptional() @IsString()
  @Matches(/^(\d{1,2}|[0-9a-z.:/]+(\s*,\s*[0-9a-z.:/]+)*)$/i, { message: 'must be a number of proxy hops, or addresses and subnets (e.g. loopback, 10.0.0.0/8), comma-separated' })
  TRUST_PROXY?: string;

  // Query cost limits (every GraphQL operation, HTTP and graphql-ws): see README, "Limits".
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  GRAPHQL_MAX_DEPTH?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000)
  GRAPHQL_MAX_ALIASES?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000)
  GRAPHQL_MAX_DIRECTIVES?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000)
  GRAPHQL_MAX_TOKENS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000_000)
  GRAPHQL_MAX_COST?: number;

  // Media (README "Media"): where uploads are kept, and how long signed URLs and unattached uploads last.
  @IsOptional() @IsIn(['local', 's3'])
  MEDIA_STORE?: 'local' | 's3';

  @IsOptional() @IsString() @MinLength(1)
  MEDIA_LOCAL_DIR?: string;

  @ValidateIf((env: EnvSchema) => env.MEDIA_STORE === 's3')
  @IsString({ message: 'is required when MEDIA_STORE=s3' }) @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name' })
  MEDIA_S3_BUCKET?: string;

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL, e.g. http://127.0.0.1:9000' })
  MEDIA_S3_ENDPOINT?: string;

  @IsOptional() @IsString() @Matches(/^[a-z0-9-]+$/, { message: 'must be a region name such as us-east-1' })
  MEDIA_S3_REGION?: string;

  @IsOptional() @IsString()
  MEDIA_S3_ACCESS_KEY_ID?: string;

  @ValidateIf((env: EnvSchema) => env.MEDIA_S3_ACCESS_KEY_ID !== undefined)
  @IsString({ message: 'is required with MEDIA_S3_ACCESS_KEY_ID' })
  MEDIA_S3_SECRET_ACCESS_KEY?: string;

  @IsOptional() @IsIn(['true', 'false', '1', '0'], { message: 'must be true or false' })
  MEDIA_S3_FORCE_PATH_STYLE?: string;

  /** Signs media URLs; unset: derived from CHAT_ADMIN_KEY (which every instance of a deployment shares). */
  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  MEDIA_URL_SECRET?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(60) @Max(7 * 86_400)
  MEDIA_URL_TTL_SECONDS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(60) @Max(365 * 86_400)
  MEDIA_LEGACY_URL_TTL_SECONDS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(365 * 86_400)
  MEDIA_UNATTACHED_TTL_SECONDS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(86_400)
  MEDIA_SWEEP_INTERVAL_SECONDS?: number;

  /** POST /media per uploader (a user, or the app backend) per minute. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  MEDIA_UPLOADS_PER_MINUTE?: number;

  /** This server as browsers reach it (e.g. https://chat.example.com): media URLs are absolute on it; unset: root-relative. */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL such as https://chat.example.com' })
  PUBLIC_URL?: string;

  // Talker API (README "Talker API"): the app whose users talker accounts are, mail, login attempts.
  /** Unset: a non-production server creates (once) an app named `talker` and uses it; production leaves the talker API off. */
  @IsOptional() @Matches(/^[1-9][0-9]{0,18}$/, { message: 'must be an app id (a positive integer)' })
  TALKER_APP_ID?: string;

  /** Where mail goes (e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host:465); unset: mail is written to the log. */
  @IsOptional() @Matches(/^smtps?:\/\/.+/, { message: 'must be smtp://host:port or smtps://user:pass@host:port' })
  SMTP_URL?: string;

  @IsOptional() @IsString() @Matches(/^(.*<)?[^\s@<>]+@[^\s@<>]+>?$/, { message: 'must be a mail address such as chat@example.com or "Chat <chat@example.com>"' })
  MAIL_FROM?: string;

  /** Failed talker logins per account per TALKER_LOGIN_WINDOW_SECONDS. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  TALKER_LOGIN_ATTEMPTS_PER_ACCOUNT?: number;

  /** Failed talker logins per client address per TALKER_LOGIN_WINDOW_SECONDS. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  TALKER_LOGIN_ATTEMPTS_PER_ADDRESS?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(86_400)
  TALKER_LOGIN_WINDOW_SECONDS?: number;

  /** Webhook retry delays after each failed attempt, comma-separated milliseconds; the attempt after the last one failing marks it FAILED. */
  @IsOptional() @IsString() @Matches(/^\d{1,9}(,\d{1,9}){0,19}$/, { message: 'must be comma-separated milliseconds such as 5000,30000,120000' })
  WEBHOOK_RETRY_DELAYS_MS?: string;

  /** How long one webhook POST may take before it counts as failed. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(100) @Max(120_000)
  WEBHOOK_TIMEOUT_MS?: number;

  /** Webhook POSTs in flight at once on one instance. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000)
  WEBHOOK_CONCURRENCY?: number;

  /** How often each instance looks for due deliveries (besides being woken by the events that cause them). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(10) @Max(60_000)
  WEBHOOK_POLL_MS?: number;
}
