import { Readable } from 'node:stream';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { MediaKindValue } from '../apps/app-settings.js';
import { ChatError } from '../common/errors/chat-error.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppScope } from '../database/app-scope.js';
import type { AttachmentFile } from '../media/attachment.model.js';
import { MediaService } from '../media/media.service.js';
import type { Message } from '../messages/message.model.js';
import { MessagesService } from '../messages/messages.service.js';
import type { UserPrincipal } from '../principal/principal.js';
import { DirectConversation, RoomsService } from '../rooms/rooms.service.js';
import { BlocksService } from '../users/blocks.service.js';
import { UserCache } from '../users/user.cache.js';
import { DataUri, parseDataUri } from './data-uri.js';
import { onBase } from './talker-address.js';
import { talkerErrors } from './talker-chat-errors.js';
import { TalkerContentType, TalkerMesseage, toTalkerMesseage } from './talker-messeage.js';
import { TalkerCaller, TalkerError } from './talker-route.js';

/** `/messeages` and `/search/messeages` answer at most this many messages a call. */
export const TALKER_PAGE = 50;
/** `typing false` follows this long after the last `type`. */
export const TYPING_TIMEOUT_MS = 3000;

export interface TalkerUser { id: number; username: string }
export interface TalkerContact extends TalkerUser { last_messeage: TalkerMesseage | null; unread: number }
export interface SendMesseage { toId: string; content: string; contentType: TalkerContentType }

/** The kind a file message's bytes must be, by the content_type the client named (`file`: any). */
const KIND_OF_CONTENT_TYPE: Partial<Record<TalkerContentType, MediaKindValue>> = { photo: 'IMAGE', video: 'VIDEO', audio: 'AUDIO' };

const blocked = () => new TalkerError('BLOCKED', 403, 'One of you blocked the other');

/**
 * The talker's conversations over the platform's own services: a conversation is the pair's
 * DIRECT room (RoomsService.openDirect), messages go through MessagesService (mutes, bans,
 * frozen rooms, flood control, the word filter and blocks apply), files through MediaService,
 * read positions and typing are the same state GraphQL clients see. Every refusal leaves as a
 * TalkerError (talker-chat-errors.ts).
 */
@Injectable()
export class TalkerConversationsService implements OnModuleDestroy {
  /** Running `type` timers of this instance's talker users: `<appId>:<userId>:<roomId>`. */
  private readonly typing = new Map<string, { timer: NodeJS.Timeout; principal: UserPrincipal; roomId: string }>();

  constructor(
    private readonly rooms: RoomsService,
    private readonly messages: MessagesService,
    private readonly blocks: BlocksService,
    private readonly media: MediaService,
    private readonly users: UserCache,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleDestroy() {
    for (const { timer } of this.typing.values()) clearTimeout(timer);
    this.typing.clear();
  }

  /**
   * Sends text, or a file given as a data URI: decoded and stored through MediaService.upload,
   * then sent as the message's attachment. An upload whose message is refused is withdrawn at
   * once (row and bytes; if that fails too, the unattached sweeper takes it).
   */
  send(caller: TalkerCaller, input: SendMesseage, base: string): Promise<TalkerMesseage> {
    return talkerErrors(async () => {
      const { principal } = caller;
      if (input.toId === principal.userId) throw new TalkerError('BAD_REQUEST', 400, 'You cannot write to yourself');
      const file = input.contentType === 'text' ? null : parseDataUri(input.content);
      await this.requirePeer(principal.scope, input.toId);
      await this.assertNotBlocked(principal, input.toId);
      const room = await this.rooms.openDirect(principal, input.toId);
      const message = file ? await this.sendFile(principal, room.id, input.contentType, file) : await this.messages.send(principal, room.id, { text: input.content });
      this.stopTyping(principal, room.id);
      return this.toWire(principal.scope, message, input.toId, [], base);
    });
  }

  /** `photo`, `video` and `audio` must be what the bytes are (BAD_REQUEST, nothing stored); `file` takes anything. */
  private async sendFile(principal: UserPrincipal, roomId: string, contentType: TalkerContentType, file: DataUri): Promise<Message> {
    await this.media.admit(principal, file.bytes.length);
    const upload = await this.media.upload(principal, {
      stream: Readable.from([file.bytes]), name: file.name ?? defaultName(contentType, file.mime), declaredType: file.mime, expectedKind: KIND_OF_CONTENT_TYPE[contentType],
    }).catch((error: unknown) => {
      if (error instanceof ChatError && error.details?.reason === 'kind_mismatch') {
        throw new TalkerError('BAD_REQUEST', 400, `content is not a ${contentType} (the bytes are ${String(error.details.found)})`);
      }
      throw error;
    });
    try {
      return await this.messages.send(principal, roomId, { text: '', attachmentIds: [upload.id] });
    } catch (error) {
      await this.media.withdraw(principal, upload.id)
        .catch((e: unknown) => this.log.warn({ err: e, mediaId: upload.id }, 'could not withdraw a talker upload whose message was refused; the sweeper will'));
      throw error;
    }
  }

  /** Marks everything up to the message read (the READ receipt GraphQL's markRead makes). */
  read(caller: TalkerCaller, messageId: string): Promise<void> {
    return talkerErrors(async () => {
      const message = await this.messages.get(caller.principal, messageId).catch((error: unknown) => {
        throw (error as { code?: string }).code === 'FORBIDDEN' ? new TalkerError('NOT_FOUND', 404, 'Message not found') : error;
      });
      await this.messages.markRead(caller.principal, message.roomId, message.id);
    });
  }

  /** `typing true` to the peer now (once per burst), `typing false` after TYPING_TIMEOUT_MS without another `type` or at the next message. */
  type(caller: TalkerCaller, toId: string): Promise<void> {
    return talkerErrors(async () => {
      const { principal } = caller;
      if (toId === principal.userId) throw new TalkerError('BAD_REQUEST', 400, 'You cannot type to yourself');
      await this.requirePeer(principal.scope, toId);
      await this.assertNotBlocked(principal, toId);
      const room = await this.rooms.openDirect(principal, toId);
      const key = `${principal.scope.appId}:${principal.userId}:${room.id}`;
      const running = this.typing.get(key);
      if (running) clearTimeout(running.timer);
      else await this.messages.typing(principal, room.id, true);
      const timer = setTimeout(() => this.stopTyping(principal, room.id), TYPING_TIMEOUT_MS);
      timer.unref();
      this.typing.set(key, { timer, principal, roomId: room.id });
    });
  }

  private stopTyping(principal: UserPrincipal, roomId: string) {
    const key = `${principal.scope.appId}:${principal.userId}:${roomId}`;
    const running = this.typing.get(key);
    if (!running) return;
    clearTimeout(running.timer);
    this.typing.delete(key);
    this.messages.typing(principal, roomId, false).catch((error: unknown) => this.log.debug({ err: error, roomId }, 'typing false not sent'));
  }

  /** block_user: the same state as GraphQL's blockUser. */
  block(caller: TalkerCaller, userId: string): Promise<void> {
    return talkerErrors(async () => {
      await this.blocks.block(caller.principal, userId);
    });
  }

  /** unlock_user: lifts a block; one that was not there is no error (nothing to undo). */
  unblock(caller: TalkerCaller, userId: string): Promise<void> {
    return talkerErrors(async () => {
      await this.requirePeer(caller.principal.scope, userId);
      await this.blocks.unblock(caller.principal, userId);
    });
  }

  blockedUsers(caller: TalkerCaller): Promise<TalkerUser[]> {
    return talkerErrors(async () => (await this.blocks.list(caller.principal)).map((user) => ({ id: Number(user.id), username: user.uname })));
  }

  /** The people the caller has a conversation with, newest message first, each with its last message and the caller's unread count. */
  contacts(caller: TalkerCaller, base: string): Promise<TalkerContact[]> {
    return talkerErrors(async () => {
      const { principal } = caller;
      const conversations = await this.rooms.directConversations(principal);
      const roomIds = conversations.map((c) => c.roomId);
      const [users, last, unread] = await Promise.all([
        this.users.getMany(principal.scope, conversations.map((c) => c.peerId)),
        this.messages.lastOfRooms(principal.scope, roomIds),
        this.messages.unreadCounts(principal, roomIds),
      ]);
      const byId = new Map(users.map((user) => [user.id, user]));
      return conversations.flatMap((c) => {
        const peer = byId.get(c.peerId);
        if (!peer) return [];
        const message = last.get(c.roomId);
        return [{
          id: Number(peer.id), username: peer.uname,
          last_messeage: message ? this.toWire(principal.scope, message, recipientOf(message, c, principal.userId), c.positions, base) : null,
          unread: unread.get(c.roomId) ?? 0,
        }];
      });
    });
  }

  /** A page of the conversation with `withId`, oldest first: the TALKER_PAGE messages before `before` (the newest without it). */
  history(caller: TalkerCaller, withId: string, before: string | null, base: string): Promise<TalkerMesseage[]> {
    return talkerErrors(async () => {
      const conversation = await this.rooms.findDirect(caller.principal, withId);
      if (!conversation) return [];
      const page = await this.messages.page(caller.principal, { roomId: conversation.roomId, before, limit: TALKER_PAGE });
      return this.allToWire(caller.principal, page.nodes, conversation, base);
    });
  }

  /** Messages of the conversation with `withId` whose text contains `text`, newest first. */
  search(caller: TalkerCaller, withId: string, text: string, base: string): Promise<TalkerMesseage[]> {
    return talkerErrors(async () => {
      const conversation = await this.rooms.findDirect(caller.principal, withId);
      if (!conversation) return [];
      const found = await this.messages.search(caller.principal, { roomId: conversation.roomId, query: text, limit: TALKER_PAGE });
      return this.allToWire(caller.principal, found, conversation, base);
    });
  }

  private allToWire(principal: UserPrincipal, messages: readonly Message[], conversation: DirectConversation, base: string): TalkerMesseage[] {
    return messages.filter((m) => m.author !== null)
      .map((m) => this.toWire(principal.scope, m, recipientOf(m, conversation, principal.userId), conversation.positions, base));
  }

  /** `base`: this API's address as the client reached it (talker-address.ts); file messages' URLs are absolute on it. */
  private toWire(scope: AppScope, message: Message, toUserId: string, positions: DirectConversation['positions'], base: string): TalkerMesseage {
    return toTalkerMesseage(message, toUserId, positions, (file: AttachmentFile) => onBase(base, this.media.signForLegacy(scope.appId, file).url));
  }

  private async requirePeer(scope: AppScope, userId: string): Promise<void> {
    if (!(await this.users.get(scope, userId))) throw new TalkerError('NOT_FOUND', 404, 'User not found');
  }

  /** BLOCKED when either of the two blocked the other: a talker conversation is refused both ways. */
  private async assertNotBlocked(principal: UserPrincipal, peerId: string): Promise<void> {
    const [theyBlocked, iBlocked] = await Promise.all([
      this.blocks.hasBlocked(principal.scope, peerId, principal.userId),
      this.blocks.hasBlocked(principal.scope, principal.userId, peerId),
    ]);
    if (theyBlocked || iBlocked) throw blocked();
  }
}

/** The other user of the conversation than the message's author. */
const recipientOf = (message: Message, conversation: DirectConversation, me: string) =>
  message.author?.id === me ? conversation.peerId : me;

/** A file name when the data URI names none: `photo.png`, `file.pdf`… */
function defaultName(contentType: TalkerContentType, mime: string): string {
  const ext = mime.split('/')[1].replace(/^x-/, '').replace(/[^a-z0-9]/g, '').slice(0, 10);
  return ext ? `${contentType}.${ext}` : contentType;
}
