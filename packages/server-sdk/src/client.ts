import { randomUUID } from 'node:crypto';
import { ChatApiError } from './errors.js';
import * as ops from './generated/graphql.js';
import { Transport, RetryOptions, Operation } from './transport.js';
import { MintOptions, mintUserToken } from './user-token.js';
import { HeadersLike, verifyWebhook, WebhookEvent } from './webhook-verify.js';

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

type Vars<T> = T extends Operation<unknown, infer V> ? V : never;
type Patch = ops.MetaPatchInput;
type Page = { page?: number; size?: number };

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
    this.webhooks = new WebhooksApi(call, options.webhookSecret);
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

type Call = <R, V>(operation: Operation<R, V>, variables: V, idempotent: boolean) => Promise<R>;

/**
 * Retried on network errors: reads, and writes that set a state, whose repeat changes nothing and
 * answers as the first did (revokeAll's count aside: making sure the tokens are revoked matters more).
 */
const IDEMPOTENT = true;
/**
 * Never retried: the server may have done the work before the answer was lost, and a repeat would do
 * it twice (create, issue, a SYSTEM message) or answer differently (delete: "not found"; unmute:
 * "not muted"), hiding that the first try worked.
 */
const ONCE = false;

export class UsersApi {
  constructor(private readonly call: Call) {}
  async create(input: ops.CreateUserInput) { return (await this.call(ops.CreateUserDocument, { input }, ONCE)).createUser; }
  /** null when there is no such user in your app. */
  async get(id: string) { return orNull(this.call(ops.UserDocument, { id }, IDEMPOTENT).then((r) => r.user)); }
  async list(page: Page = {}) { return (await this.call(ops.UsersDocument, page, IDEMPOTENT)).users; }
  /** Sets (`set`) and removes (`remove`) meta keys. */
  async updateMeta(id: string, patch: Patch) { return (await this.call(ops.UpdateUserMetaDocument, { id, patch }, IDEMPOTENT)).updateUserMeta; }
  async setRole(userId: string, role: ops.UserRole) { return (await this.call(ops.SetUserRoleDocument, { userId, role }, IDEMPOTENT)).setUserRole; }
  /** `{ok: false, reason}` for a user that does not exist. */
  async delete(id: string) { return (await this.call(ops.DeleteUserDocument, { id }, ONCE)).deleteUser; }
  /** Returns how many of the ids existed. */
  async deleteMany(ids: string[]) { return (await this.call(ops.DeleteUsersDocument, { ids }, ONCE)).deleteUsers; }
}

export class TokensApi {
  constructor(private readonly call: Call) {}
  /** A token the server records (default lifetime 24 hours); `expiresIn` in seconds. */
  async issue(userId: string, options: { expiresAt?: Date | string; expiresIn?: number } = {}) {
    const expiresAt = options.expiresAt !== undefined ? new Date(options.expiresAt).toISOString()
      : options.expiresIn !== undefined ? new Date(Date.now() + options.expiresIn * 1000).toISOString() : undefined;
    return (await this.call(ops.IssueUserTokenDocument, { userId, expiresAt }, ONCE)).issueUserToken;
  }
  /** Revokes every token of the user, offline-minted ones included; returns how many recorded ones were live. */
  async revokeAll(userId: string) { return (await this.call(ops.RevokeUserTokensDocument, { userId }, IDEMPOTENT)).revokeUserTokens; }
}

export class RoomsApi {
  constructor(private readonly call: Call) {}
  async create(input: ops.CreateRoomInput) { return (await this.call(ops.CreateRoomDocument, { input }, ONCE)).createRoom; }
  /** By id, or by your key: `get({ key: 'team-42' })`. null when there is no such room. */
  async get(idOrKey: string | { id?: string; key?: string }) {
    const by = typeof idOrKey === 'string' ? { id: idOrKey } : idOrKey;
    return orNull(this.call(ops.RoomDocument, by, IDEMPOTENT).then((r) => r.room));
  }
  async list(filter: Vars<typeof ops.RoomsDocument> = {}) { return (await this.call(ops.RoomsDocument, filter, IDEMPOTENT)).rooms; }
  async update(id: string, input: ops.UpdateRoomInput) { return (await this.call(ops.UpdateRoomDocument, { id, input }, IDEMPOTENT)).updateRoom; }
  async updateMeta(id: string, patch: Patch) { return (await this.call(ops.UpdateRoomMetaDocument, { id, patch }, IDEMPOTENT)).updateRoomMeta; }
  /** `{ok: false, reason: "Room not found"}` for a missing room. */
  async delete(id: string) { return (await this.call(ops.DeleteRoomDocument, { id }, ONCE)).deleteRoom; }
  async addMember(roomId: string, userId: string, role?: ops.MemberRole) { return (await this.call(ops.AddMemberDocument, { roomId, userId, role }, ONCE)).addMember; }
  async removeMember(roomId: string, userId: string) { return (await this.call(ops.RemoveMemberDocument, { roomId, userId }, ONCE)).removeMember; }
  async members(roomId: string) { return (await this.call(ops.MembersDocument, { roomId }, IDEMPOTENT)).members; }
  /** Members connected now (for an OPEN room: anyone of the app). */
  async online(roomId: string) { return (await this.call(ops.OnlineMembersDocument, { roomId }, IDEMPOTENT)).onlineMembers; }
}

export class MessagesApi {
  constructor(private readonly call: Call) {}
  /**
   * Without `asUserId` a SYSTEM message of the app (not retried); with it, a message of that user
   * (a bot, say), given a clientMsgId when you give none, so a retry after a lost answer returns
   * the first message instead of a second one.
   */
  async send(roomId: string, input: ops.SendMessageInput) {
    const keyed = input.asUserId ? { ...input, clientMsgId: input.clientMsgId ?? randomUUID() } : input;
    const retrySafe = Boolean(keyed.asUserId && keyed.clientMsgId);
    return (await this.call(ops.SendMessageDocument, { roomId, input: keyed }, retrySafe)).sendMessage;
  }
  /** null when there is no such message in your app. */
  async get(id: string) { return orNull(this.call(ops.MessageDocument, { id }, IDEMPOTENT).then((r) => r.message)); }
  /** One page of history, oldest first inside the page: the newest, `before` an id, or `after` one. */
  async list(roomId: string, page: { before?: string; after?: string; limit?: number } = {}) {
    return (await this.call(ops.MessagesDocument, { roomId, ...page }, IDEMPOTENT)).messages;
  }
  /** Every message of the room, newest page first (pages of `limit`, oldest first inside each). */
  async *history(roomId: string, options: { limit?: number } = {}) {
    let before: string | undefined;
    for (;;) {
      const page = await this.list(roomId, { before, limit: options.limit });
      yield page.nodes;
      if (!page.hasMore || page.nodes.length === 0) return;
      before = page.nodes[0].id;
    }
  }
  /** Messages containing the text, newest first. */
  async search(roomId: string, query: string, options: { limit?: number } = {}) {
    return (await this.call(ops.SearchMessagesDocument, { roomId, query, ...options }, IDEMPOTENT)).searchMessages;
  }
  async updateMeta(id: string, patch: Patch) { return (await this.call(ops.UpdateMessageMetaDocument, { id, patch }, IDEMPOTENT)).updateMessageMeta; }
  /** Leaves a tombstone in history; `{ok: false, reason}` for a missing message. */
  async delete(id: string) { return (await this.call(ops.DeleteMessageDocument, { id }, ONCE)).deleteMessage; }
}

export class ModerationApi {
  constructor(private readonly call: Call) {}
  /** 1 to 525,600 minutes; replaces a running mute. */
  async mute(roomId: string, userId: string, minutes: number, options: { reason?: string } = {}) {
    return (await this.call(ops.MuteUserDocument, { roomId, userId, minutes, ...options }, ONCE)).muteUser;
  }
  async unmute(roomId: string, userId: string) { return (await this.call(ops.UnmuteUserDocument, { roomId, userId }, ONCE)).unmuteUser; }
  async mutes(roomId: string) { return (await this.call(ops.MutesDocument, { roomId }, IDEMPOTENT)).mutes; }
  /** Without `seconds`, until unbanned. The user leaves the room at once. */
  async ban(roomId: string, userId: string, options: { seconds?: number; reason?: string } = {}) {
    return (await this.call(ops.BanUserDocument, { roomId, userId, ...options }, ONCE)).banUser;
  }
  async unban(roomId: string, userId: string) { return (await this.call(ops.UnbanUserDocument, { roomId, userId }, ONCE)).unbanUser; }
  async bans(roomId: string) { return (await this.call(ops.BannedUsersDocument, { roomId }, IDEMPOTENT)).bannedUsers; }
  async freeze(roomId: string) { return (await this.call(ops.FreezeRoomDocument, { roomId, frozen: true }, IDEMPOTENT)).freezeRoom; }
  async unfreeze(roomId: string) { return (await this.call(ops.FreezeRoomDocument, { roomId, frozen: false }, IDEMPOTENT)).freezeRoom; }
  async addManager(roomId: string, userId: string) { return (await this.call(ops.RegisterManagerDocument, { roomId, userId }, IDEMPOTENT)).registerManager; }
  async removeManager(roomId: string, userId: string) { return (await this.call(ops.DeleteManagerDocument, { roomId, userId }, ONCE)).deleteManager; }
  /** Reports, newest first: one room's, or (without roomId) the whole app's. */
  async reports(filter: Vars<typeof ops.ReportsDocument> = {}) { return (await this.call(ops.ReportsDocument, filter, IDEMPOTENT)).reports; }
  async resolveReport(id: string, status: ops.ReportStatus, resolution?: string) {
    return (await this.call(ops.ResolveReportDocument, { id, status, resolution }, IDEMPOTENT)).resolveReport;
  }
  /** Moderation actions, newest first. */
  async log(filter: Vars<typeof ops.ModerationLogDocument> = {}) { return (await this.call(ops.ModerationLogDocument, filter, IDEMPOTENT)).moderationLog; }
}

export class SettingsApi {
  constructor(private readonly call: Call) {}
  /** Your app: id, name, its lobby room. */
  async app() { return (await this.call(ops.AppDocument, {}, IDEMPOTENT)).app; }
  async get() { return (await this.call(ops.AppSettingsDocument, {}, IDEMPOTENT)).appSettings; }
  /** Only the fields given change; null puts a setting back to its default. */
  async update(input: ops.UpdateAppSettingsInput) { return (await this.call(ops.UpdateAppSettingsDocument, { input }, IDEMPOTENT)).updateAppSettings; }
}

export class WebhooksApi {
  constructor(private readonly call: Call, private readonly defaultSecret: string | undefined) {}

  /** A new endpoint; `secret` (whsec_…) is shown this once: keep it to verify deliveries. */
  async create(input: ops.CreateWebhookInput) { return (await this.call(ops.CreateWebhookDocument, { input }, ONCE)).createWebhook; }
  async list() { return (await this.call(ops.WebhooksDocument, {}, IDEMPOTENT)).webhooks; }
  /** Change the URL or events, or disable (`enabled: false`) and enable it. */
  async update(id: string, input: ops.UpdateWebhookInput) { return (await this.call(ops.UpdateWebhookDocument, { id, input }, IDEMPOTENT)).updateWebhook; }
  /** A new signing secret, shown this once; the old one stops signing at once. */
  async rotateSecret(id: string) { return (await this.call(ops.RotateWebhookSecretDocument, { id }, ONCE)).rotateWebhookSecret; }
  async delete(id: string) { return (await this.call(ops.DeleteWebhookDocument, { id }, ONCE)).deleteWebhook; }
  /** The endpoint's deliveries, newest first (limit 1–500, default 50). */
  async deliveries(webhookId: string, options: { limit?: number } = {}) {
    return (await this.call(ops.WebhookDeliveriesDocument, { webhookId, ...options }, IDEMPOTENT)).webhookDeliveries;
  }
  /** Sends a delivery again, with a fresh round of retries. */
  async redeliver(deliveryId: string) { return (await this.call(ops.RedeliverWebhookDocument, { deliveryId }, ONCE)).redeliverWebhook; }

  /**
   * Verifies a delivery (raw body and its headers) and returns the event `{type, timestamp, data}`.
   * The secret defaults to the client's `webhookSecret` (CHAT_WEBHOOK_SECRET).
   */
  verify<T = unknown>(body: string | Uint8Array, headers: HeadersLike, secret = this.defaultSecret): WebhookEvent<T> {
    if (!secret) throw new TypeError('webhooks.verify: no secret (pass one, or set webhookSecret / CHAT_WEBHOOK_SECRET)');
    return verifyWebhook<T>(body, headers, secret);
  }
}

/** The getters' answer for what does not exist (the server says NOT_FOUND): null, as the schema types it. */
async function orNull<T>(result: Promise<T>): Promise<T | null> {
  try {
    return await result;
  } catch (error) {
    if (error instanceof ChatApiError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

function endpointOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`ChatClient: url must be http(s), got ${parsed.protocol}`);
  if (!parsed.pathname.replace(/\/+$/, '').endsWith('/graphql')) parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/graphql`;
  return parsed.toString();
}
