import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppScope } from '../database/app-scope.js';
import { MetricsService } from '../health/metrics.service.js';
import { EventBus } from '../realtime/event-bus.js';
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

/** One message after its INSERT: its id, and whether it is new (not a repeated clientMsgId). */
interface Stored { p: Pending; id: string; created: boolean }

/** Lanes commit concurrently; a room always uses the same lane, so its messages stay in id order. */
export const WRITER_LANES = 4;
/** The most messages one commit takes. */
export const MAX_BATCH = 256;

/**
 * Stores new messages with group commits: while a lane's INSERT runs, the messages that arrive
 * for it wait, and the next INSERT takes them all, in one multi-row statement that commits on
 * its own (all rows or none; no transaction around it, so no BEGIN and COMMIT round trips).
 * Nobody waits for a timer (a lone message is written at once), and under load one commit
 * serves many messages. Each send is answered only after its statement committed and its event
 * was published, in id order per room; a batch that fails is retried one message at a time, so
 * one bad message fails alone. A message with a clientMsgId is inserted on its own, since a
 * repeat of an earlier send must answer with the first message instead.
 */
@Injectable()
export class MessageWriter {
  private readonly lanes = Array.from({ length: WRITER_LANES }, () => ({ queue: [] as Pending[], busy: false }));

  constructor(
    private readonly messages: MessagesRepository,
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
      while (lane.queue.length > 0) await this.commit(lane.queue.splice(0, MAX_BATCH));
    } finally {
      lane.busy = false;
    }
  }

  /** Stores a batch; each message is answered (or refused) exactly once, this never throws. */
  private async commit(batch: Pending[]): Promise<void> {
    const fresh = batch.filter((p) => p.values.clientMsgId === null);
    const stored: Stored[] = await this.append(fresh);
    for (const p of batch) {
      if (p.values.clientMsgId === null) continue;
      try {
        const once = await this.messages.insertOnce(p.scope, newMessage(p));
        stored.push({ p, id: once.id, created: once.created });
      } catch (error) {
        p.reject(error);
      }
    }
    this.metrics.messageBatch.observe(batch.length);
    // Ids were given in statement order: publish each room's new messages in id order.
    stored.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
    for (const { p, id, created } of stored) {
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

  /** One multi-row INSERT; when it fails, one INSERT per message, and those that fail again are refused. */
  private async append(fresh: Pending[]): Promise<Stored[]> {
    const insert = async (some: Pending[]) => {
      const ids = await this.messages.appendMany(some.map((p) => ({ scope: p.scope, values: newMessage(p) })));
      return some.map((p, i) => ({ p, id: ids[i], created: true }));
    };
    if (fresh.length === 0) return [];
    try {
      return await insert(fresh);
    } catch (error) {
      if (fresh.length === 1) { fresh[0].reject(error); return []; }
      this.log.warn({ err: error, size: fresh.length }, 'a message batch failed; writing its messages one by one');
    }
    const stored: Stored[] = [];
    for (const one of fresh) {
      try {
        stored.push(...(await insert([one])));
      } catch (error) {
        one.reject(error);
      }
    }
    return stored;
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
