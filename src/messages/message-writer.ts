import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppScope } from '../database/app-scope.js';
import { UnitOfWork } from '../database/transaction.js';
import { MetricsService } from '../health/metrics.service.js';
import { EventBus } from '../realtime/event-bus.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { UserEntity } from '../users/user.entity.js';
import { MessageKindValue } from './message.entity.js';
import { toMessage } from './message.mapper.js';
import { Message } from './message.model.js';
import { MessagesRepository, NewMessage } from './messages.repository.js';

export interface MessageValues {
  text: string;
  kind: MessageKindValue;
  meta: Record<string, unknown> | null;
  clientMsgId: string | null;
}

interface Pending {
  scope: AppScope;
  roomId: string;
  author: UserEntity | null;
  values: MessageValues;
  createdAt: Date;
  resolve(message: Message): void;
  reject(error: unknown): void;
}

/** One message after its batch's transaction: its id, and whether it is new (not a repeated clientMsgId). */
interface Stored { p: Pending; id: string; created: boolean }

/** Lanes commit concurrently; a room always uses the same lane, so its messages stay in id order. */
export const WRITER_LANES = 4;
/** The most messages one commit takes. */
export const MAX_BATCH = 256;

/**
 * Stores new messages with group commits: while a lane's transaction runs, the messages that
 * arrive for it wait, and the next transaction takes them all in one multi-row INSERT. Nobody
 * waits for a timer (a lone message is written at once), and under load one commit serves many
 * messages. Each send is answered only after its batch committed and its event was published,
 * in id order per room; a batch that fails is retried one message at a time, so one bad message
 * fails alone.
 */
@Injectable()
export class MessageWriter {
  private readonly lanes = Array.from({ length: WRITER_LANES }, () => ({ queue: [] as Pending[], busy: false }));

  constructor(
    private readonly messages: MessagesRepository,
    private readonly rooms: RoomsRepository,
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Resolves with the stored message (an earlier one for a repeated clientMsgId) once committed and published. */
  write(scope: AppScope, roomId: string, author: UserEntity | null, values: MessageValues): Promise<Message> {
    const lane = this.lanes[laneOf(`${scope.appId}:${roomId}`)];
    return new Promise<Message>((resolve, reject) => {
      lane.queue.push({ scope, roomId, author, values, createdAt: new Date(), resolve, reject });
      if (!lane.busy) void this.drain(lane);
    });
  }

  private async drain(lane: { queue: Pending[]; busy: boolean }): Promise<void> {
    lane.busy = true;
    try {
      while (lane.queue.length > 0) {
        const batch = lane.queue.splice(0, MAX_BATCH);
        try {
          await this.commit(batch);
        } catch (error) {
          if (batch.length === 1) { batch[0].reject(error); continue; }
          this.log.warn({ err: error, size: batch.length }, 'a message batch failed; writing its messages one by one');
          for (const one of batch) await this.commit([one]).catch((e: unknown) => one.reject(e));
        }
      }
    } finally {
      lane.busy = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const results = await this.uow.run(async (tx) => {
      const fresh = batch.filter((p) => p.values.clientMsgId === null);
      const freshIds = await this.messages.insertMany(fresh.map((p) => ({ scope: p.scope, values: newMessage(p) })), tx);
      const stored: Stored[] = fresh.map((p, i) => ({ p, id: freshIds[i], created: true }));
      // A clientMsgId may repeat an earlier send: those go one by one, answered with the first message.
      for (const p of batch) {
        if (p.values.clientMsgId === null) continue;
        const once = await this.messages.insertOnce(p.scope, newMessage(p), tx);
        stored.push({ p, id: once.id, created: once.created });
      }
      return stored;
    });
    this.metrics.messageBatch.observe(batch.length);
    await this.touchRooms(results);
    // Ids were given in statement order: publish each room's new messages in id order.
    results.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
    for (const { p, id, created } of results) {
      try {
        const message = created ? this.asStored(p, id) : toMessage((await this.messages.findById(p.scope, id))!);
        if (created) {
          this.metrics.messagesIn.inc();
          await this.events.publish({ type: 'message.created', appId: p.scope.appId, roomId: p.roomId, message });
        }
        p.resolve(message);
      } catch (error) {
        p.reject(error);
      }
    }
  }

  /**
   * Moves each room's last message forward, after the commit and one statement per room: inside
   * the transaction, two instances writing to one room would deadlock (each insert holds a shared
   * lock on the room row through the foreign key, and each update then wants it exclusively).
   * The update only ever moves forward, so its order against other instances does not matter.
   */
  private async touchRooms(results: readonly Stored[]): Promise<void> {
    const newest = new Map<string, { scope: AppScope; roomId: string; id: bigint }>();
    for (const { p, id: stored, created } of results) {
      if (!created) continue;
      const key = `${p.scope.appId}:${p.roomId}`;
      const id = BigInt(stored);
      if (!newest.has(key) || newest.get(key)!.id < id) newest.set(key, { scope: p.scope, roomId: p.roomId, id });
    }
    for (const room of newest.values()) {
      await this.rooms.touchLastMessage(room.scope, room.roomId, String(room.id)).catch((error: unknown) =>
        this.log.warn({ err: error, roomId: room.roomId }, 'could not record a room\'s last message'));
    }
  }

  /** The message as the row just written reads back, without reading it back. */
  private asStored(p: Pending, id: string): Message {
    const author = p.author;
    return toMessage({
      id, roomId: p.roomId, authorId: author?.id ?? null, kind: p.values.kind, text: p.values.text, meta: p.values.meta,
      clientMsgId: p.values.clientMsgId, createdAt: p.createdAt, editedAt: null, deletedAt: null,
      author: author ? {
        id: author.id, externalId: author.externalId, uname: author.uname, displayName: author.displayName, role: author.role,
        isBot: author.isBot, meta: author.meta, createdAt: author.createdAt,
      } : null,
    });
  }
}

function newMessage(p: Pending): NewMessage {
  return { roomId: p.roomId, authorId: p.author?.id ?? null, ...p.values, createdAt: p.createdAt };
}

function laneOf(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % WRITER_LANES;
}
