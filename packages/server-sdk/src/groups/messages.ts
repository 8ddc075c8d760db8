import { randomUUID } from 'node:crypto';
import * as ops from '../generated/graphql.js';
import { IDEMPOTENT, ONCE, orNull, type Call } from './call.js';

/** `chat.messages`: the app's own messages, history and search. */
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
  async updateMeta(id: string, patch: ops.MetaPatchInput) { return (await this.call(ops.UpdateMessageMetaDocument, { id, patch }, IDEMPOTENT)).updateMessageMeta; }
  /** Leaves a tombstone in history; `{ok: false, reason}` for a missing message. */
  async delete(id: string) { return (await this.call(ops.DeleteMessageDocument, { id }, ONCE)).deleteMessage; }
}
