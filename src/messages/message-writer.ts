import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppScope } from '../database/app-scope.js';
import { isStatementRefusal } from '../database/db-errors.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DomainEvent } from '../realtime/domain-events.js';
import { EventBus } from '../realtime/event-bus.js';
import type { AttachmentFile } from '../media/attachment.model.js';
import { UserEntity } from '../users/user.entity.js';
import { MessageKindValue } from './message.entity.js';
import { toMessage } from './message.mapper.js';
import { Message } from './message.model.js';
import { MessageRow, MessagesRepository, NewMessage } from './messages.repository.js';

export interface MessageValues {
  text: string;
  kind: MessageKindValue;
  meta: Record<string, unknown> | null;
  clientMsgId: string | null;
  /** The files of a FILE message, already claimed for it (MediaService.claim); empty otherwise. */
  attachments?: readonly AttachmentFile[];
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

/** One message after its INSERT: new (its id), or a repeated clientMsgId (the first message's row). */
type Stored = { p: Pending; created: true; id: string } | { p: Pending; created: false; row: MessageRow };

/** The most messages one commit takes. */
export const MAX_BATCH = 256;

/** Resolves on the next turn of the event loop, after the process ticks that send statements. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Stores new messages with group commits: while an INSERT runs, the messages that arrive wait,
 * and the next INSERT takes them all, in one multi-row statement that commits on its own (all
 * rows or none; no transaction around it, so no BEGIN and COMMIT round trips). Nobody waits for
 * a timer (a lone message is written at once), and under load one commit serves many messages.
 *
 * One INSERT is in flight at a time, and the next one goes out as soon as it committed, before
 * that batch is published and answered: the database commits one batch while this process
 * answers the one before (and only that one: a stalled bus holds back the INSERT after).
 * Batches are answered in the order they were stored, so each room's messages are published in
 * id order. Each send is answered only after its statement committed and its event was
 * published; a batch the database refuses is stored again without what made it fail (see
 * store), so one bad message fails alone. Webhooks' message.created deliveries are not written
 * here: WebhookMaterialiser reads them from the stored rows, so a send costs the same with them.
 */
@Injectable()
export class MessageWriter {
  private queue: Pending[] = [];
  private writing = false;
  /** The committed batches being published and answered, in the order they were stored. */
  private answered: Promise<void> = Promise.resolve();
  /** The sends with an author and a clientMsgId not answered yet, by app, author and clientMsgId. */
  private readonly unanswered = new Map<string, Promise<Message>>();
  /** Messages taken into an INSERT so far (read by pressure()). */
  private taken = 0;

  constructor(
    private readonly messages: MessagesRepository,
    private readonly events: EventBus,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Resolves with the stored message (an earlier one for a repeated clientMsgId) once committed
   * and published. A resend of an author's clientMsgId whose first send is still under way here
   * shares its answer (so no batch holds it twice), and is written itself if that send fails.
   */
  write(scope: AppScope, roomId: string, author: UserEntity | null, values: MessageValues): Promise<Message> {
    const key = uniqueKeyOf(scope, author, values);
    const underWay = key === null ? undefined : this.unanswered.get(key);
    // The first send's entry is gone by the time this runs (forget was registered first).
    if (underWay) return underWay.catch(() => this.write(scope, roomId, author, values));
    const written = new Promise<Message>((resolve, reject) => {
      this.queue.push({ scope, roomId, author, values, createdAt: new Date(), resolve, reject });
      if (!this.writing) void this.drain();
    });
    if (key !== null) {
      this.unanswered.set(key, written);
      const forget = () => this.unanswered.delete(key);
      written.then(forget, forget);
    }
    return written;
  }

  /**
   * Read only, for work that yields to sending (the webhook worker): the sends waiting for the
   * next INSERT, and the messages taken into an INSERT since the start (a counter).
   */
  pressure(): { waiting: number; taken: number } {
    return { waiting: this.queue.length, taken: this.taken };
  }

  /** Stores batches until none wait; store and answer never throw, each message is settled once. */
  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        this.taken += batch.length;
        const stored = await this.store(batch);
        this.metrics.messageBatch.observe(batch.length);
        // Answered on the next turn: by then the next INSERT, if any waited, is on its way.
        const answering = this.answered.then(nextTurn).then(() => this.answer(stored));
        // At most one batch waits to be answered while the next is written, so a stalled bus
        // holds back writing too rather than storing messages that nobody is told about.
        await this.answered;
        this.answered = answering;
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * Publishes and answers one stored batch. Every new message's event goes to the bus at once,
   * in id order (the bus keeps the order it is given: Redis gets the PUBLISHes back to back on
   * one connection instead of one round trip after another); the sends are answered in order,
   * each once its own publish settled. A repeat is only answered, not published again.
   */
  private async answer(stored: readonly Stored[]): Promise<void> {
    const published = stored.map((one) => settled(one.created ? this.publish(one.p, one.id) : Promise.resolve().then(() => toMessage(one.row))));
    for (const [i, one] of stored.entries()) {
      const outcome = await published[i];
      if (outcome.ok) one.p.resolve(outcome.message);
      else one.p.reject(outcome.error);
    }
  }

  private async publish(p: Pending, id: string): Promise<Message> {
    const event = this.eventOf(p, id);
    this.metrics.messagesIn.inc();
    await this.events.publish(event);
    return event.message;
  }

  private eventOf(p: Pending, id: string): Extract<DomainEvent, { type: 'message.created' }> {
    return { type: 'message.created', appId: p.scope.appId, roomId: p.roomId, message: this.asStored(p, id) };
  }

  /**
   * One multi-row INSERT for the whole batch. When the database refuses it (nothing was
   * stored), it was most often for a clientMsgId stored before: a client resending after it
   * lost the answer, or through another instance. Those sends are answered with the stored
   * message, found in one query, and the rest go in one INSERT again; only when that is refused
   * too (or one is left) is each message tried alone, a clientMsgId through insertOnce, so one
   * bad message fails alone. When the outcome is unknown (the connection was lost or timed out:
   * the rows may be stored), nothing is tried again, so nothing is stored twice: those sends
   * fail, and a client that resends with its clientMsgId gets its message once.
   */
  private async store(batch: Pending[]): Promise<Stored[]> {
    let refusal: unknown;
    try {
      return asCreated(batch, await this.append(batch));
    } catch (error) {
      const alone = batch.length === 1 && !keyed(batch[0]);
      if (alone || !isStatementRefusal(error)) return this.fail(batch, error);
      refusal = error;
    }
    const prior = await this.priorSends(batch);
    const repeats: Stored[] = [...prior].map(([p, row]) => ({ p, created: false, row }));
    const rest = batch.filter((p) => !prior.has(p));
    if (repeats.length > 0 && rest.length > 1) {
      try {
        return [...repeats, ...asCreated(rest, await this.append(rest))];
      } catch (error) {
        if (!isStatementRefusal(error)) return [...repeats, ...this.fail(rest, error)];
      }
    }
    if (rest.length > 1) this.log.warn({ err: refusal, size: rest.length }, 'a message batch was refused; writing its messages one by one');
    const stored = [...repeats];
    for (const p of rest) {
      try {
        const once = await this.messages.insertOnce(p.scope, newMessage(p));
        stored.push(once.created ? { p, created: true, id: once.id } : { p, created: false, row: once.row });
      } catch (error) {
        p.reject(error);
      }
    }
    return stored;
  }

  private append(batch: readonly Pending[]): Promise<string[]> {
    return this.messages.appendMany(batch.map((p) => ({ scope: p.scope, values: newMessage(p) })));
  }

  /** Fails sends whose INSERT may or may not have been stored; nothing is retried. */
  private fail(batch: readonly Pending[], error: unknown): Stored[] {
    if (batch.length > 1) this.log.error({ err: error, size: batch.length }, 'a message batch may or may not be stored; its sends fail');
    for (const p of batch) p.reject(error);
    return [];
  }

  /** The messages stored before under this batch's clientMsgIds, one query per app in the batch (almost always one). */
  private async priorSends(batch: readonly Pending[]): Promise<Map<Pending, MessageRow>> {
    const resends = batch.filter(keyed);
    const found = new Map<Pending, MessageRow>();
    for (const appId of new Set(resends.map((p) => p.scope.appId))) {
      const ofApp = resends.filter((p) => p.scope.appId === appId);
      let rows: MessageRow[] = [];
      try {
        rows = await this.messages.findByClientMsgIds(ofApp[0].scope, ofApp.map((p) => ({ authorId: p.author!.id, clientMsgId: p.values.clientMsgId! })));
      } catch (error) {
        this.log.warn({ err: error }, 'could not look up resent clientMsgIds; writing the refused batch one by one');
      }
      const byKey = new Map(rows.map((row) => [`${row.authorId}:${row.clientMsgId}`, row]));
      for (const p of ofApp) {
        const row = byKey.get(`${p.author!.id}:${p.values.clientMsgId}`);
        if (row) found.set(p, row);
      }
    }
    return found;
  }

  /** The message as the row just written reads back, without reading it back. */
  private asStored(p: Pending, id: string): Message {
    return toMessage({
      id, roomId: p.roomId, authorId: p.author?.id ?? null, kind: p.values.kind, text: p.values.text, meta: p.values.meta,
      clientMsgId: p.values.clientMsgId, createdAt: p.createdAt, editedAt: null, deletedAt: null, attachments: p.values.attachments ?? [], author: p.author,
    });
  }
}

/** The send's place in the unique key (app, author, clientMsgId); null when the key does not hold it (no author or no clientMsgId). */
function uniqueKeyOf(scope: AppScope, author: UserEntity | null, values: MessageValues): string | null {
  return author && values.clientMsgId !== null ? `${scope.appId}:${author.id}:${values.clientMsgId}` : null;
}

const keyed = (p: Pending) => uniqueKeyOf(p.scope, p.author, p.values) !== null;

/** The sends of one INSERT with the ids it gave them, in order. */
function asCreated(batch: readonly Pending[], ids: readonly string[]): Stored[] {
  return batch.map((p, i) => ({ p, created: true, id: ids[i] }));
}

function newMessage(p: Pending): NewMessage {
  return { roomId: p.roomId, authorId: p.author?.id ?? null, ...p.values, createdAt: p.createdAt };
}

/** An answer as a value: it never rejects, so the chain of answers never breaks, and a publish that fails before its turn is no unhandled rejection. */
function settled(publishing: Promise<Message>): Promise<{ ok: true; message: Message } | { ok: false; error: unknown }> {
  return publishing.then((message) => ({ ok: true as const, message }), (error: unknown) => ({ ok: false as const, error }));
}
