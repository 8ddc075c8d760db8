import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppConfig } from '../config/app-config.js';
import { scopeOf } from '../database/app-scope.js';
import { UnitOfWork } from '../database/transaction.js';
import { toMessage } from '../messages/message.mapper.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { EventBus } from '../realtime/event-bus.js';
import { WebhookCursorsRepository } from './webhook-cursors.repository.js';
import { NewDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { IngestPressure } from './ingest-pressure.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { Wakeup } from './wakeup.js';

const CURSOR = 'message.created';
const EVENT = 'message.created';
/** Messages read per round, at most. */
const SCAN_LIMIT = 500;
/** How long an id skipped as not visible (a transaction that took it has not committed) is looked for again. */
export const GAP_WAIT_MS = 5 * 60_000;
/** The most skipped ids kept; past it the oldest are given up (logged). */
const MAX_GAPS = 10_000;
/** Wake-ups by message.created events within this long are gathered into one round… */
const DEBOUNCE_MS = 10;
/** …this long while webhook work yields to sending (fewer, larger rounds)… */
const DEBOUNCE_YIELDING_MS = 100;
/** …and while sends saturate the instance, until the load falls but at most this long: the messages wait in their table, read after the burst. */
const AT_FLOOR_MAX_WAIT_MS = 5000;

/**
 * Turns committed messages into message.created deliveries, off the send path (the transactional
 * outbox where the message row itself is the record). A durable cursor (webhook_cursors) holds
 * the last message id read; each round reads the ids after it, builds the deliveries of the
 * messages of apps with an enabled endpoint that wants message.created (and was created at or
 * before the message), and writes them in one transaction with the cursor's advance. The advance
 * applies only over the cursor version the round read (WebhookCursorsRepository.advance), so when
 * instances race, one round's deliveries are written and the others' are dropped: each message
 * is materialised once.
 *
 * Ids are taken at INSERT and seen at COMMIT, so a lower id may show up after a higher one. An id
 * below the highest one read that is not visible is kept as a gap and looked for again on every
 * round for GAP_WAIT_MS (5 minutes), in the cursor row itself; one that shows up in time is
 * materialised, one that does not is taken for an id never used (a refused INSERT). A message
 * whose own autocommit INSERT takes longer than that to commit would be missed.
 */
@Injectable()
export class WebhookMaterialiser implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private looping: Promise<void> | null = null;
  private readonly wakeup = new Wakeup();
  /** Ends a pace pause at once (on shutdown). */
  private endPace: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly pollMs: number;

  constructor(
    private readonly cursors: WebhookCursorsRepository,
    private readonly messages: MessagesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly sender: WebhookSender,
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    private readonly pressure: IngestPressure,
    config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.pollMs = config.webhooks.pollMs;
  }

  onApplicationBootstrap() {
    this.running = true;
    this.unsubscribe = this.events.onEvent((event) => { if (event.type === 'message.created') this.kick(); });
    this.looping = this.loop();
  }

  async onModuleDestroy() {
    this.running = false;
    this.unsubscribe?.();
    this.kick();
    this.endPace?.();
    await this.looping;
  }

  kick(): void {
    this.wakeup.kick();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.wakeup.startRound();
      let read = 0;
      try {
        read = await this.round();
      } catch (error) {
        this.log.warn({ err: error }, 'webhook materialiser could not read new messages');
      }
      if (!this.running) break;
      if (read >= SCAN_LIMIT && !this.pressure.yielding) continue; // behind: reads on at once, unless sending has the instance
      await this.wakeup.pause(this.pollMs);
      if (this.running) await this.pace();
    }
  }

  /**
   * The pause before the next round: longer the more webhook work yields to sending; while sends
   * saturate the instance (the worker at its floor), until the load falls (the limit grows) or
   * AT_FLOOR_MAX_WAIT_MS, so deliveries of a long burst still trickle out.
   */
  private pace(): Promise<void> {
    if (!this.pressure.atFloor) return delay(this.pressure.yielding ? DEBOUNCE_YIELDING_MS : DEBOUNCE_MS);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopListening();
        this.endPace = null;
        resolve();
      };
      const timer = setTimeout(done, AT_FLOOR_MAX_WAIT_MS);
      timer.unref();
      const stopListening = this.pressure.onRaise(done);
      this.endPace = done;
    });
  }

  /** One round: reads past the cursor and re-checks its gaps, writes the deliveries with the advance. Returns how many new ids it read. */
  async round(): Promise<number> {
    const cursor = await this.cursors.read(CURSOR);
    const now = Date.now();
    const waiting = cursor.gaps.filter(([, until]) => until > now);
    const found = await this.messages.idsAfter(cursor.lastId, SCAN_LIMIT, waiting.map(([id]) => id));
    const foundIds = new Set(found.map((m) => m.id));
    const gaps = waiting.filter(([id]) => !foundIds.has(id));
    let last = BigInt(cursor.lastId);
    let read = 0;
    for (const { id } of found) {
      const at = BigInt(id);
      if (at <= last) continue; // a gap that showed up
      read++;
      // Ids skipped between two visible ones; a huge jump (an auto-increment moved by hand) keeps only the last MAX_GAPS.
      for (let gap = at - 1n > last + BigInt(MAX_GAPS) ? at - BigInt(MAX_GAPS) : last + 1n; gap < at; gap++) gaps.push([String(gap), now + GAP_WAIT_MS]);
      last = at;
    }
    if (gaps.length > MAX_GAPS) {
      this.log.warn({ dropped: gaps.length - MAX_GAPS }, 'webhook materialiser gave up on message ids it waited for (too many gaps)');
      gaps.splice(0, gaps.length - MAX_GAPS);
    }
    if (found.length === 0 && gaps.length === cursor.gaps.length) return 0;
    const rows = await this.deliveriesOf(found);
    const moved = await this.uow.run(async (tx) => {
      if (!(await this.cursors.advance(CURSOR, cursor, { lastId: String(last), gaps }, tx))) return false;
      await this.deliveries.insertMany(rows, tx);
      return true;
    });
    if (moved && rows.length > 0) this.sender.kick();
    return read;
  }

  /** The deliveries of these messages: one per message and endpoint of its app that wants message.created and existed when it was sent. */
  private async deliveriesOf(found: readonly { id: string; appId: string }[]): Promise<NewDelivery[]> {
    const appIds = [...new Set(found.map((m) => m.appId))];
    const endpoints = (await this.webhooks.listEnabledOfApps(appIds)).filter((w) => w.events.includes(EVENT));
    const rows: NewDelivery[] = [];
    for (const appId of new Set(endpoints.map((w) => w.appId))) {
      const scope = scopeOf(appId);
      const ofApp = endpoints.filter((w) => w.appId === appId);
      const messages = await this.messages.findByIds(scope, found.filter((m) => m.appId === appId).map((m) => m.id));
      messages.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      for (const row of messages) {
        const wanting = ofApp.filter((w) => w.createdAt.getTime() <= row.createdAt.getTime());
        if (wanting.length === 0) continue;
        const payload = JSON.stringify({ type: EVENT, timestamp: row.createdAt.toISOString(), data: { roomId: row.roomId, message: toMessage(row) } });
        for (const w of wanting) rows.push({ scope, webhookId: w.id, eventType: EVENT, payload });
      }
    }
    return rows;
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

