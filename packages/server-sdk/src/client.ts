import type { Call } from './groups/call.js';
import { MessagesApi } from './groups/messages.js';
import { ModerationApi } from './groups/moderation.js';
import { RoomsApi } from './groups/rooms.js';
import { SettingsApi } from './groups/settings.js';
import { TokensApi } from './groups/tokens.js';
import { UsersApi } from './groups/users.js';
import { WebhooksApi } from './groups/webhooks.js';
import { RetryOptions, Transport } from './transport.js';
import { MintOptions, mintUserToken } from './user-token.js';

export interface ChatClientOptions {
  /** The chat server: its base URL (http://chat.internal:3000) or its /graphql endpoint. */
  url: string;
  appId: string;
  appSecret: string;
  /** The default secret (`whsec_…`) for webhooks.verify. */
  webhookSecret?: string;
  /** Retries of idempotent calls on network errors (default 3 tries); `false` for none. */
  retry?: RetryOptions | false;
  /** Time limit of one try, in ms (default 10,000). */
  timeoutMs?: number;
  /** Another fetch (default: the global one of Node 20+). */
  fetch?: typeof fetch;
}

/** The app backend's client: every call sends the app's x-app-id and x-app-secret headers. */
export class ChatClient {
  readonly users: UsersApi;
  readonly tokens: TokensApi;
  readonly rooms: RoomsApi;
  readonly messages: MessagesApi;
  readonly moderation: ModerationApi;
  readonly settings: SettingsApi;
  readonly webhooks: WebhooksApi;
  private readonly transport: Transport;

  constructor(private readonly options: ChatClientOptions) {
    for (const key of ['url', 'appId', 'appSecret'] as const) {
      if (typeof options?.[key] !== 'string' || options[key].trim() === '') throw new TypeError(`ChatClient: ${key} is required`);
    }
    const retry = options.retry === false ? { attempts: 1 } : (options.retry ?? {});
    this.transport = new Transport({
      endpoint: endpointOf(options.url),
      headers: { 'x-app-id': options.appId, 'x-app-secret': options.appSecret },
      retry: { attempts: retry.attempts ?? 3, baseDelayMs: retry.baseDelayMs ?? 200, maxDelayMs: retry.maxDelayMs ?? 5_000 },
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch ?? globalThis.fetch,
    });
    const call: Call = (operation, variables, idempotent) => this.transport.run(operation, variables, idempotent);
    this.users = new UsersApi(call);
    this.tokens = new TokensApi(call);
    this.rooms = new RoomsApi(call);
    this.messages = new MessagesApi(call);
    this.moderation = new ModerationApi(call);
    this.settings = new SettingsApi(call);
    this.webhooks = new WebhooksApi(call, options.webhookSecret, options.appSecret);
  }

  /**
   * From CHAT_API_URL, CHAT_APP_ID, CHAT_APP_SECRET (and CHAT_WEBHOOK_SECRET when set). A missing
   * variable throws one error naming every missing one.
   */
  static fromEnv(env: Record<string, string | undefined> = process.env, extra: Omit<ChatClientOptions, 'url' | 'appId' | 'appSecret'> = {}): ChatClient {
    const names = ['CHAT_API_URL', 'CHAT_APP_ID', 'CHAT_APP_SECRET'] as const;
    const missing = names.filter((name) => !env[name]?.trim());
    if (missing.length > 0) throw new Error(`ChatClient.fromEnv: set ${missing.join(', ')} (the chat server URL, your app id and its secret)`);
    return new ChatClient({
      url: env.CHAT_API_URL!, appId: env.CHAT_APP_ID!, appSecret: env.CHAT_APP_SECRET!,
      webhookSecret: env.CHAT_WEBHOOK_SECRET || undefined, ...extra,
    });
  }

  /**
   * A user token made here, offline, with the app secret (no call to the server): what your
   * `/auth` route hands to the browser. See `tokens.issue` for one the server records.
   */
  mintUserToken(userId: string | number, options: MintOptions = {}): string {
    return mintUserToken(this.options.appId, this.options.appSecret, userId, options).token;
  }
}

function endpointOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`ChatClient: url must be http(s), got ${parsed.protocol}`);
  if (!parsed.pathname.replace(/\/+$/, '').endsWith('/graphql')) parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/graphql`;
  return parsed.toString();
}
