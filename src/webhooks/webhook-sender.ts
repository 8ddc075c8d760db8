import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { Webhook as Signer } from 'standardwebhooks';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppConfig, WebhookConfig } from '../config/app-config.js';
import { webhookEventsOf } from '../events/event-table.js';
import { EventBus } from '../realtime/event-bus.js';
import { AttemptOutcome, ClaimedDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';

/** A claim outlives the POST's time limit by this much, so only a dead instance's claims expire. */
const CLAIM_MARGIN_MS = 30_000;
const MAX_ERROR_LENGTH = 500;

/**
 * The worker every instance runs: claims due deliveries (each row goes to one instance, see
 * WebhookDeliveriesRepository.claimDue), POSTs them signed the Standard Webhooks way, and records
 * each attempt: 2xx is DELIVERED; anything else waits the next retry delay, or is FAILED after
 * the last. At most `concurrency` POSTs are in flight here, off every request path, so a slow or
 * dead receiver never slows sending messages. Due rows live in the database, so a restart loses
 * none; it wakes on the events that record deliveries (on any instance, through the bus) and
 * polls every `pollMs` besides.
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly config: WebhookConfig;
  private readonly instance = randomUUID();
  private round = 0;
  private running = false;
  private looping: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private woken = false;
  /** The POSTs in flight, each with its abort. */
  private readonly inFlight = new Map<string, { claim: string; abort: AbortController; done: Promise<void> }>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly events: EventBus,
    config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.config = config.webhooks;
  }

  onApplicationBootstrap() {
    this.running = true;
    // Deliveries are recorded before their event is published: by now they are committed.
    this.unsubscribe = this.events.onEvent((event) => {
      if (event.type === 'app.changed' || webhookEventsOf(event).length > 0) this.kick();
    });
    this.looping = this.loop();
  }

  async onModuleDestroy() {
    this.running = false;
    this.unsubscribe?.();
    this.kick();
    await this.looping;
    // In-flight POSTs are abandoned, their claims given back: the next start (or another instance) sends them.
    for (const { abort } of this.inFlight.values()) abort.abort(new Error('shutting down'));
    await Promise.all([...this.inFlight.values()].map((one) => one.done));
  }

  /** Look for due deliveries now. */
  kick(): void {
    this.woken = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let claimed = 0;
      const free = this.config.concurrency - this.inFlight.size;
      if (free > 0) {
        try {
          claimed = await this.claimAndSend(free);
        } catch (error) {
          this.log.warn({ err: error }, 'webhook worker could not claim deliveries');
        }
      }
      // A full claim may have left more due: go again at once, when a slot is free.
      if (this.running && !this.woken && !(claimed > 0 && claimed === free)) await this.sleep(this.config.pollMs);
      else if (this.running && this.inFlight.size >= this.config.concurrency) await this.sleep(this.config.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() { clearTimeout(timer); resolve(); }
      this.wake = () => { this.wake = null; done(); };
    });
  }

  private async claimAndSend(limit: number): Promise<number> {
    const claim = `${this.instance}:${++this.round}`;
    const now = Date.now();
    const batch = await this.deliveries.claimDue(claim, now, now + this.config.timeoutMs + CLAIM_MARGIN_MS, limit);
    for (const delivery of batch) {
      const abort = new AbortController();
      const done = this.attempt(delivery, claim, abort).finally(() => {
        this.inFlight.delete(delivery.id);
        this.kick();
      });
      this.inFlight.set(delivery.id, { claim, abort, done });
    }
    return batch.length;
  }

  /** One POST and its outcome recorded; never throws. */
  private async attempt(delivery: ClaimedDelivery, claim: string, abort: AbortController): Promise<void> {
    let outcome: AttemptOutcome;
    try {
      const status = await this.post(delivery, abort);
      outcome = status >= 200 && status < 300
        ? { status: 'DELIVERED', nextAttemptAt: Date.now(), lastStatusCode: status, lastError: null, deliveredAt: new Date() }
        : this.failed(delivery, status, `HTTP ${status}`);
    } catch (error) {
      if (!this.running) {
        await this.deliveries.release(delivery.id, claim).catch((err: unknown) => this.log.warn({ err }, 'could not release a webhook claim'));
        return;
      }
      outcome = this.failed(delivery, null, describe(error, this.config.timeoutMs));
    }
    try {
      await this.deliveries.finish(delivery.id, claim, outcome);
    } catch (error) {
      this.log.warn({ err: error, delivery: delivery.id }, 'could not record a webhook attempt; its claim expires and it is sent again');
    }
  }

  private async post(delivery: ClaimedDelivery, abort: AbortController): Promise<number> {
    const sentAt = new Date();
    const signature = new Signer(delivery.secret).sign(delivery.id, sentAt, delivery.payload);
    const timer = setTimeout(() => abort.abort(new TimeoutError()), this.config.timeoutMs);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        body: delivery.payload,
        redirect: 'manual',
        signal: abort.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'open-chat-service-webhooks',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
      });
      await response.body?.cancel().catch(() => undefined); // the answer's body is not read
      return response.status;
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(delivery: ClaimedDelivery, statusCode: number | null, error: string): AttemptOutcome {
    const delay = this.config.retryDelaysMs[delivery.attempts];
    return {
      status: delay === undefined ? 'FAILED' : 'PENDING',
      nextAttemptAt: Date.now() + (delay ?? 0),
      lastStatusCode: statusCode,
      lastError: error.slice(0, MAX_ERROR_LENGTH),
      deliveredAt: null,
    };
  }
}

class TimeoutError extends Error {}

/** What went wrong, for the delivery log: a timeout, a closed connection, a refused one… */
function describe(error: unknown, timeoutMs: number): string {
  const reason = error instanceof Error && error.name === 'AbortError' ? (error as Error & { cause?: unknown }).cause : error;
  if (reason instanceof TimeoutError || (error instanceof Error && error.cause instanceof TimeoutError)) return `timed out after ${timeoutMs} ms`;
  if (error instanceof TimeoutError) return `timed out after ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.code === 'UND_ERR_SOCKET' || cause?.message === 'other side closed') return 'connection closed by the receiver';
  if (cause?.code) return `${cause.code}: ${cause.message ?? ''}`.trim();
  return error instanceof Error ? (error.message || error.name) : String(error);
}
