import { Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service.js';
import type { AppPrincipal, ScopedPrincipal, UserPrincipal } from '../principal/principal.js';
import { badInput, forbidden, notFound } from '../common/errors/chat-error.js';
import { DeleteResult, deleted, notDeleted } from '../common/graphql/delete-result.model.js';
import { AppScope } from '../database/app-scope.js';
import { AppSettings } from '../apps/app-settings.js';
import { BlocksService } from '../users/blocks.service.js';
import { FloodControlService } from './flood-control.service.js';
import { EventBus } from '../realtime/event-bus.js';
import { EventOutbox } from '../realtime/event-outbox.js';
import { ReceiptKind } from './live-events.model.js';
import { toMember } from '../rooms/member.mapper.js';
import { Member } from '../rooms/member.model.js';
import { MembersRepository } from '../rooms/members.repository.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { applyMetaPatch, MetaPatchInput } from '../common/graphql/meta-patch.input.js';
import { toUser } from '../users/user.model.js';
import { UserEntity } from '../users/user.entity.js';
import { UserCache } from '../users/user.cache.js';
import { assertMetaSize } from '../users/users.service.js';
import { MessageKindValue } from './message.entity.js';
import { MessagesArgs, SearchMessagesArgs, SendMessageInput } from './message.inputs.js';
import { normalizeText, toMessage } from './message.mapper.js';
import { Message, MessagePage } from './message.model.js';
import { MessageRow, MessagesRepository } from './messages.repository.js';
import { MessageValues, MessageWriter } from './message-writer.js';
import { MediaService, ownerOf } from '../media/media.service.js';
import { PreSendHookService } from './pre-send-hook.service.js';

const DEFAULT_PAGE = 50;
const REPLAY_PAGE = 100;

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly members: MembersRepository,
    private readonly users: UserCache,
    private readonly access: RoomAccessService,
    private readonly apps: AppsService,
    private readonly writer: MessageWriter,
    private readonly events: EventBus,
    private readonly outbox: EventOutbox,
    private readonly flood: FloodControlService,
    private readonly blocks: BlocksService,
    private readonly media: MediaService,
    private readonly preSend: PreSendHookService,
  ) {}

  /** Acknowledged (returned) only after the message is committed and published. */
  send(caller: ScopedPrincipal, roomId: string, input: SendMessageInput): Promise<Message> {
    return caller.kind === 'app' ? this.sendAsApp(caller, roomId, input) : this.sendAsUser(caller, roomId, input);
  }

  private async sendAsUser(caller: UserPrincipal, roomId: string, input: SendMessageInput): Promise<Message> {
    if (input.asUserId) throw forbidden('Only the app backend sends as another user');
    const settings = await this.apps.settings(caller.scope);
    const files = input.attachmentIds ?? [];
    const text = this.normalize(settings, input.text, files.length > 0);
    assertMetaSize(input.meta);
    const { room, author } = await this.access.requirePoster(caller, roomId);
    const other = room.type === 'DIRECT' ? room.directKey?.split(':').find((id) => id !== author.id) : undefined;
    if (other && (await this.blocks.hasBlocked(caller.scope, other, author.id))) throw forbidden('This user blocked you');
    try {
      await this.flood.consume(caller.scope, room.id, author.id, settings);
      if (text !== '') await this.flood.assertNotRepeated(caller.scope, room.id, author.id, text, settings.duplicateWindowSeconds);
    } catch (refusal) {
      // A resend of a stored message is answered with it, never refused as a flood or a duplicate.
      const prior = input.clientMsgId ? await this.messages.findByClientMsgId(caller.scope, author.id, input.clientMsgId) : null;
      if (prior) return toMessage(prior);
      throw refusal;
    }
    const filtered = this.flood.filterWords(text, settings.wordFilter);
    // A clientMsgId sent before is caught by its unique key when stored: the writer answers with the first message.
    let values: MessageValues = { text: filtered, kind: input.kind ?? 'TEXT', meta: input.meta ?? null, clientMsgId: input.clientMsgId ?? null };
    if (settings.preSendHook) {
      // A resend of a stored message is answered with it, not shown to the hook again.
      const prior = values.clientMsgId ? await this.messages.findByClientMsgId(caller.scope, author.id, values.clientMsgId) : null;
      if (prior) return toMessage(prior);
      values = await this.screen(caller.scope, settings, room.id, author, values, files.length > 0);
    }
    return files.length > 0 ? this.writeWithFiles(caller, room.id, author, values, files) : this.write(caller.scope, room.id, author, values);
  }

  /** The app backend's message: as one of its users (a bot, say), or a SYSTEM message. */
  private async sendAsApp(caller: AppPrincipal, roomId: string, input: SendMessageInput): Promise<Message> {
    const files = input.attachmentIds ?? [];
    const text = this.normalize(await this.apps.settings(caller.scope), input.text, files.length > 0);
    assertMetaSize(input.meta);
    const room = await this.access.requireRoom(caller.scope, roomId);
    const author = input.asUserId ? await this.users.get(caller.scope, input.asUserId) : null;
    if (input.asUserId && !author) throw notFound('User');
    const kind: MessageKindValue = author ? (input.kind ?? 'TEXT') : 'SYSTEM';
    const values: MessageValues = { text, kind, meta: input.meta ?? null, clientMsgId: input.clientMsgId ?? null };
    return files.length > 0 ? this.writeWithFiles(caller, room.id, author, values, files) : this.write(caller.scope, room.id, author, values);
  }

  /**
   * A message with the caller's uploads: taken for this send first (NOT_FOUND for one that is not
   * the caller's, CONFLICT for one attached before), stored with the message in its INSERT (so
   * history and every event carry them), then marked attached. A send that fails lets them go.
   * A user's message with files is FILE; the app's own (no author) stays SYSTEM.
   */
  private async writeWithFiles(caller: ScopedPrincipal, roomId: string, author: UserEntity | null, values: MessageValues, ids: readonly string[]): Promise<Message> {
    if (author && values.clientMsgId) {
      // A resend after a lost answer: its files are attached to the first message already.
      const prior = await this.messages.findByClientMsgId(caller.scope, author.id, values.clientMsgId);
      if (prior) return toMessage(prior);
    }
    const claim = await this.media.claim(caller.scope, ownerOf(caller), ids);
    let message: Message;
    try {
      message = await this.write(caller.scope, roomId, author, { ...values, kind: author ? 'FILE' : values.kind, attachments: claim.files });
    } catch (error) {
      await this.media.release(caller.scope, claim).catch(() => undefined);
      throw error;
    }
    await this.media.attach(caller.scope, claim, message.id, roomId);
    return message;
  }

  /**
   * The app's pre-send hook sees a user's message last, after every rule of the platform: the
   * sender's rights, flood control, duplicates and the word filter (so it sees masked words
   * masked). It lets the values through, refuses them (BAD_USER_INPUT), or replaces the text;
   * a replacement is held to the same length rule and passes the word filter again. Each send
   * waits for its own answer, so the writer's batches never wait for a hook.
   */
  private async screen(scope: AppScope, settings: AppSettings, roomId: string, author: UserEntity, values: MessageValues, withFiles: boolean): Promise<MessageValues> {
    const message = { roomId, author: { id: author.id, uname: author.uname }, text: values.text, kind: withFiles ? 'FILE' : values.kind, meta: values.meta };
    const text = await this.preSend.screen(scope, settings.preSendHook!, message, (replacement) => this.normalize(settings, replacement, withFiles));
    return text === values.text ? values : { ...values, text: this.flood.filterWords(text, settings.wordFilter) };
  }

  /** Text as stored; empty is allowed for a message that carries files. */
  private normalize(settings: AppSettings, raw: string | null | undefined, withFiles = false): string {
    if (withFiles && (raw ?? '').trim() === '') return '';
    const text = normalizeText(raw ?? '', settings.maxMessageLength);
    if (typeof text !== 'string') throw badInput(text.error);
    return text;
  }

  private write(scope: AppScope, roomId: string, author: UserEntity | null, values: MessageValues): Promise<Message> {
    return this.writer.write(scope, roomId, author, values);
  }

  async edit(caller: UserPrincipal, id: string, rawText: string): Promise<Message> {
    const settings = await this.apps.settings(caller.scope);
    const row = await this.requireMessage(caller.scope, id);
    if (row.authorId !== caller.userId) throw forbidden('Only the author edits a message');
    if (row.deletedAt) throw badInput('The message was deleted');
    await this.access.requirePoster(caller, row.roomId);
    const text = this.flood.filterWords(this.normalize(settings, rawText), settings.wordFilter);
    await this.messages.setText(caller.scope, row.id, text, new Date());
    return this.announce(caller.scope, row.id, 'message.updated');
  }

  /** The author, a manager of the room, staff or the app backend; leaves a tombstone in history. */
  async delete(caller: ScopedPrincipal, id: string): Promise<DeleteResult> {
    const row = await this.messages.findById(caller.scope, id);
    if (!row) return notDeleted('Message not found');
    if (!(caller.kind === 'user' && row.authorId === caller.userId)) await this.access.requireManager(caller, row.roomId);
    else await this.access.requireReader(caller, row.roomId);
    if (row.deletedAt) return notDeleted('Message already deleted');
    await this.messages.tombstone(caller.scope, row.id, new Date());
    await this.announce(caller.scope, row.id, 'message.deleted');
    if (row.attachments.length > 0) await this.media.removeForMessage(caller.scope, row.id);
    return deleted();
  }

  async patchMeta(caller: ScopedPrincipal, id: string, patch: MetaPatchInput): Promise<Message> {
    const row = await this.requireMessage(caller.scope, id);
    if (caller.kind === 'user' && row.authorId !== caller.userId) await this.access.requireManager(caller, row.roomId);
    else await this.access.requireReader(caller, row.roomId);
    if (row.deletedAt) throw badInput('The message was deleted');
    const meta = applyMetaPatch(row.meta, patch);
    assertMetaSize(meta);
    await this.messages.setMeta(caller.scope, row.id, meta);
    return this.announce(caller.scope, row.id, 'message.updated');
  }

  async get(caller: ScopedPrincipal, id: string): Promise<Message> {
    const row = await this.requireMessage(caller.scope, id);
    await this.access.requireReader(caller, row.roomId);
    return toMessage(row);
  }

  async page(caller: ScopedPrincipal, args: MessagesArgs): Promise<MessagePage> {
    await this.access.requireReader(caller, args.roomId);
    const { rows, hasMore } = await this.messages.page(caller.scope, args.roomId, { before: args.before, after: args.after, limit: args.limit ?? DEFAULT_PAGE }, await this.hiddenAuthors(caller));
    return { nodes: rows.map(toMessage), hasMore };
  }

  async search(caller: ScopedPrincipal, args: SearchMessagesArgs): Promise<Message[]> {
    await this.access.requireReader(caller, args.roomId);
    const query = args.query.trim();
    if (!query) throw badInput('query must not be blank');
    return (await this.messages.search(caller.scope, args.roomId, query, args.limit ?? 20, await this.hiddenAuthors(caller))).map(toMessage);
  }

  /** FORBIDDEN (or NOT_FOUND) before any event flows: subscriptions check here first. */
  async assertCanRead(caller: ScopedPrincipal, roomId: string): Promise<void> {
    await this.access.requireReader(caller, roomId);
  }

  /** Stored messages after `after`, oldest first, page by page (for gapless resume). */
  async *replay(caller: ScopedPrincipal, roomId: string, after: string): AsyncGenerator<Message> {
    let cursor = after;
    for (;;) {
      const { rows, hasMore } = await this.messages.page(caller.scope, roomId, { after: cursor, limit: REPLAY_PAGE }, await this.hiddenAuthors(caller));
      for (const row of rows) yield toMessage(row);
      if (!hasMore || rows.length === 0) return;
      cursor = rows[rows.length - 1].id;
    }
  }

  async markRead(caller: UserPrincipal, roomId: string, messageId: string): Promise<Member> {
    return this.advance(caller, roomId, messageId, ReceiptKind.READ);
  }

  async markDelivered(caller: UserPrincipal, roomId: string, messageId: string): Promise<Member> {
    return this.advance(caller, roomId, messageId, ReceiptKind.DELIVERED);
  }

  private async advance(caller: UserPrincipal, roomId: string, messageId: string, kind: ReceiptKind): Promise<Member> {
    const { room, member } = await this.access.requireReader(caller, roomId);
    if (!member) throw forbidden('Join the room first: read positions belong to members');
    if (!(await this.messages.existsInRoom(caller.scope, room.id, messageId))) throw notFound('Message');
    const moved = await this.members.advance(caller.scope, room.id, caller.userId, kind === ReceiptKind.READ ? 'read' : 'delivered', messageId);
    const [row] = await this.members.listWithUsers(caller.scope, room.id, { userId: caller.userId });
    if (moved) {
      await this.events.publish({ type: 'receipt', appId: caller.scope.appId, roomId: room.id, user: toUser(row.userRow), messageId, kind, at: new Date() });
    }
    return toMember(row, row.userRow, row.mute?.endsAt ?? null);
  }

  async typing(caller: UserPrincipal, roomId: string, isTyping: boolean): Promise<boolean> {
    const { room, author } = await this.access.requirePoster(caller, roomId);
    await this.events.publish({ type: 'typing', appId: caller.scope.appId, roomId: room.id, user: toUser(author), isTyping });
    return true;
  }

  /** Newest message per room (for Room.lastMessage), batched. */
  async lastOfRooms(scope: AppScope, roomIds: readonly string[]): Promise<Map<string, Message>> {
    const rows = await this.messages.lastOfRooms(scope, roomIds);
    return new Map([...rows].map(([roomId, row]) => [roomId, toMessage(row)]));
  }

  /** Unread messages per room for the caller (0 for the app backend and non-members), batched. */
  async unreadCounts(caller: ScopedPrincipal, roomIds: readonly string[]): Promise<Map<string, number>> {
    if (caller.kind !== 'user') return new Map();
    return this.messages.unreadCounts(caller.scope, caller.userId, roomIds);
  }

  /** Authors the caller blocked: left out of their history, search and live streams. */
  async hiddenAuthors(caller: ScopedPrincipal): Promise<string[]> {
    return caller.kind === 'user' ? [...(await this.blocks.blockedBy(caller.scope, caller.userId))] : [];
  }

  /** The live set behind hiddenAuthors (kept current as the caller blocks and unblocks). */
  liveBlocks(caller: ScopedPrincipal): Promise<ReadonlySet<string>> {
    return caller.kind === 'user' ? this.blocks.blockedBy(caller.scope, caller.userId) : Promise.resolve(new Set<string>());
  }

  private async requireMessage(scope: AppScope, id: string): Promise<MessageRow> {
    const row = await this.messages.findById(scope, id);
    if (!row) throw notFound('Message');
    return row;
  }

  private async announce(scope: AppScope, id: string, type: 'message.updated' | 'message.deleted'): Promise<Message> {
    const message = toMessage((await this.messages.findById(scope, id))!);
    const event = { type, appId: scope.appId, roomId: message.roomId, message };
    await this.outbox.recordAfter([event]); // an edit or delete is one statement, no transaction: recorded right after it
    await this.events.publish(event);
    return message;
  }
}
