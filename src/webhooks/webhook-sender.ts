import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppConfig, WebhookConfig } from '../config/app-config.js';
import { webhookEventsOf } from '../events/event-table.js';
import { UnitOfWork } from '../database/transaction.js';
import { EventBus } from '../realtime/event-bus.js';
import { NewAttempt, WebhookAttemptsRepository } from './webhook-attempts.repository.js';
import { RESPONSE_EXCERPT_BYTES } from './webhook-attempt.entity.js';
import { AttemptOutcome, ClaimedDelivery, FinishedAttempt, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { IngestPressure } from './ingest-pressure.js';
import { WebhookSigner } from '../common/webhook-signing.js';
import { Wakeup } from './wakeup.js';

/** A claim outlives the POSTs that may come before its own, and its own time limit, by this much, so only a dead instance's claims expire. */
const CLAIM_MARGIN_MS = 30_000;
/** Rows claimed per statement, at most: they wait in this instance's queue for a free slot. */
const CLAIM_BATCH = 256;
/** Rows claimed per statement per POST allowed in flight (at least CLAIM_MIN): a yielding worker holds fewer claims. */
const CLAIM_PER_SLOT = 8;
const CLAIM_MIN = 32;
/** Claims at most this often when woken: at 1,000 events/s, one claim covers many of them. */
const CLAIM_EVERY_MS = 10;
/** Outcomes are written at most this long after their attempt (sooner when FLUSH_AT are waiting). */
const FLUSH_MS = 20;
/** …or this long while yielding to sending (fewer, larger writes). */
const FLUSH_YIELDING_MS = 100;
const FLUSH_AT = 256;
/** The pauses before writing outcomes again after an error; the last entry only ends the list. */
const FLUSH_RETRIES_MS = [20, 100, 500, 0];
const MAX_ERROR_LENGTH = 500;

interface Queued { delivery: ClaimedDelivery; claim: string; until: number }

/** An attempt done, with its line of the attempt log. */
interface Finished extends FinishedAttempt { logged: NewAttempt }

/** A receiver's answer: its status and the start of its body. */
interface Answer { status: number; excerpt: string | null }

/**
 * The worker every instance runs: claims due deliveries in batches (each row goes to one
 * instance, see WebhookDeliveriesRepository.claimDue), POSTs them signed the Standard Webhooks
 * way over kept-alive connections, and records the attempts in bulk a few ms later (one UPDATE
 * per group of like outcomes): 2xx is DELIVERED; anything else waits the next retry delay, or is
 * FAILED after the last. At most `concurrency` POSTs are in flight here (fewer while message ingest
 * keeps this instance busy: IngestPressure), off every request path,
 * so a slow or dead receiver never slows sending messages. Due rows live in the database, so a
 * restart loses none (an attempt whose outcome was not written yet is sent again: at least once);
 * it wakes on the events that record deliveries (on any instance, through the bus), when the
 * materialiser wrote message.created deliveries, and polls
 * every `pollMs` besides.
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly config: WebhookConfig;
  private readonly instance = randomUUID();
  private round = 0;
  private running = false;
  private looping: Promise<void> | null = null;
  private readonly wakeup = new Wakeup();
  /** Claimed, waiting for a free slot. */
  private queue: Queued[] = [];
  /** The POSTs in flight, each with its abort. */
  private readonly inFlight = new Map<string, { claim: string; abort: AbortController; done: Promise<void> }>();
  /** Attempts done, their outcomes not written yet. */
  private finished: Finished[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  /** Starts queued POSTs again once the pace at the floor allows (IngestPressure.startIn). */
  private paced: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** The claim or outcome write under way: they take turns, so this instance's statements never deadlock each other. */
  private writeTurn: Promise<unknown> = Promise.resolve();
  private readonly agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  };
  private unsubscribe: (() => void) | null = null;
  private unsubscribePressure: (() => void) | null = null;
  private readonly signer = new WebhookSigner();

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly attemptLog: WebhookAttemptsRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: EventBus,
    private readonly pressure: IngestPressure,
    config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.config = config.webhooks;
  }

  onApplicationBootstrap() {
    this.running = true;
    // Deliveries are recorded before their event is published: by now they are committed.
    // message.created's are written later by the materialiser, which kicks this worker itself.
    this.unsubscribe = this.events.onEvent((event) => {
      if (event.type === 'app.changed' || (event.type !== 'message.created' && webhookEventsOf(event).length > 0)) this.kick();
    });
    // The limit grew back (sending stopped or slowed): queued rows start now.
    this.unsubscribePressure = this.pressure.onRaise(() => { this.startQueued(); this.kick(); });
    this.looping = this.loop();
  }

  async onModuleDestroy() {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribePressure?.();
    if (this.paced) clearTimeout(this.paced);
    this.kick();
    await this.looping;
    // In-flight POSTs are abandoned and queued ones never start: their claims are given back,
    // so the next start (or another instance) sends them. Outcomes already known are written.
    const abandoned = [...this.queue.map(({ delivery, claim }) => ({ id: delivery.id, claim }))];
    this.queue = [];
    for (const { abort } of this.inFlight.values()) abort.abort(new Error('shutting down'));
    await Promise.all([...this.inFlight.values()].map((one) => one.done));
    await this.flush();
    await this.giveBack(abandoned);
    for (const agent of Object.values(this.agents)) agent.destroy();
  }

  /** Look for due deliveries now. */
  kick(): void {
    this.wakeup.kick();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.wakeup.startRound();
      let full = false;
      // Claims more once the queue runs low, so the slots never wait on a claim.
      if (this.queue.length < this.pressure.limit) {
        const size = claimSize(this.pressure.limit);
        try {
          full = (await this.claim(size)) === size;
        } catch (error) {
          this.log.warn({ err: error }, 'webhook worker could not claim deliveries');
        }
      }
      this.startQueued();
      if (!this.running) break;
      if (full && this.queue.length < this.pressure.limit) continue;
      await this.wakeup.pause(this.config.pollMs);
      // A short pause gathers the wake-ups (events, freed slots) that come meanwhile into one claim.
      if (this.running) await delay(CLAIM_EVERY_MS);
    }
  }

  /** Claims a batch into the queue; its claims last as long as the queue ahead of them may take to send. */
  private async claim(size: number): Promise<number> {
    const claim = `${this.instance}:${++this.round}`;
    const now = Date.now();
    const rounds = Math.ceil((this.queue.length + this.inFlight.size + size) / this.pressure.limit);
    const until = now + rounds * this.config.timeoutMs + CLAIM_MARGIN_MS;
    const batch = await this.inTurn(() => this.deliveries.claimDue(claim, now, until, size));
    for (const delivery of batch) this.queue.push({ delivery, claim, until });
    return batch.length;
  }

  /** Fills the free slots from the queue; a row whose claim would lapse before its POST ends is given back instead. */
  private startQueued(): void {
    const lapsing: { id: string; claim: string }[] = [];
    while (this.running && this.inFlight.size < this.pressure.limit && this.queue.length > 0) {
      // While sends saturate the instance, POSTs start at a trickle's pace: come back when the next may.
      const wait = this.pressure.startIn();
      if (wait > 0) {
        this.paced ??= setTimeout(() => { this.paced = null; this.startQueued(); }, wait);
        break;
      }
      const { delivery, claim, until } = this.queue.shift()!;
      if (Date.now() + this.config.timeoutMs >= until) {
        lapsing.push({ id: delivery.id, claim });
        continue;
      }
      const abort = new AbortController();
      const done = this.attempt(delivery, claim, abort).finally(() => {
        this.inFlight.delete(delivery.id);
        this.startQueued();
        if (this.queue.length < this.pressure.limit) this.kick();
      });
      this.inFlight.set(delivery.id, { claim, abort, done });
    }
    void this.giveBack(lapsing);
  }

  /** One POST; its outcome joins the next bulk write. Never throws. */
  private async attempt(delivery: ClaimedDelivery, claim: string, abort: AbortController): Promise<void> {
    let outcome: AttemptOutcome;
    let excerpt: string | null = null;
    const startedAt = new Date();
    const started = performance.now();
    try {
      const answer = await this.post(delivery, abort.signal);
      const status = answer.status;
      excerpt = answer.excerpt;
      outcome = status >= 200 && status < 300 ? { status: 'DELIVERED', statusCode: status } : this.failed(delivery, status, `HTTP ${status}`);
    } catch (error) {
      if (!this.running) {
        await this.giveBack([{ id: delivery.id, claim }]);
        return;
      }
      outcome = this.failed(delivery, null, describe(error, this.config.timeoutMs));
    }
    const logged: NewAttempt = {
      appId: delivery.appId, deliveryId: delivery.id, number: delivery.attempts + 1, startedAt, durationMs: Math.round(performance.now() - started),
      statusCode: outcome.statusCode, error: outcome.status === 'DELIVERED' ? null : outcome.error, responseExcerpt: excerpt,
    };
    this.finished.push({ id: delivery.id, claim, outcome, logged });
    if (this.finished.length >= FLUSH_AT) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), this.pressure.yielding ? FLUSH_YIELDING_MS : FLUSH_MS);
  }

  /** Writes the outcomes gathered so far, after any write under way; never throws. */
  private flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.flushing = this.flushing.then(async () => {
      const batch = this.finished;
      this.finished = [];
      if (batch.length === 0) return;
      // The outcomes and their lines of the attempt log in one transaction, so a delivery never
      // shows an attempt its log lacks, or the reverse. All or nothing, and each row's claim guards
      // it, so writing again after an error (a deadlock with a claim or a message batch's INSERT, a
      // lost connection) never records an attempt twice.
      await this.retried(() => this.inTurn(() => this.unitOfWork.run(async (tx) => {
        await this.deliveries.finishMany(batch, tx);
        await this.attemptLog.insertMany(batch.map((one) => one.logged), tx);
      })), batch.length, 'could not record webhook attempts; their claims expire and they are sent again');
    });
    return this.flushing;
  }

  /** Runs `write` once the claim or outcome write before it ended. */
  private inTurn<T>(write: () => Promise<T>): Promise<T> {
    const turn = this.writeTurn.then(write);
    this.writeTurn = turn.catch(() => undefined);
    return turn;
  }

  /** Runs the write, again after a pause when it fails; logs the last failure. Never throws. */
  private async retried(write: () => Promise<void>, count: number, warning: string): Promise<void> {
    for (const [i, pause] of FLUSH_RETRIES_MS.entries()) {
      try {
        await write();
        return;
      } catch (error) {
        if (i === FLUSH_RETRIES_MS.length - 1) this.log.warn({ err: error, count }, warning);
        else await delay(pause);
      }
    }
  }

  private async giveBack(claims: readonly { id: string; claim: string }[]): Promise<void> {
    const byClaim = new Map<string, string[]>();
    for (const { id, claim } of claims) byClaim.set(claim, [...(byClaim.get(claim) ?? []), id]);
    for (const [claim, ids] of byClaim) {
      await this.deliveries.release(ids, claim).catch((err: unknown) => this.log.warn({ err }, 'could not release webhook claims'));
    }
  }

  /** POSTs the payload; resolves with the status code and the first RESPONSE_EXCERPT_BYTES of the answer's body (the rest is drained). */
  private post(delivery: ClaimedDelivery, signal: AbortSignal): Promise<Answer> {
    const sentAt = new Date();
    const body = Buffer.from(delivery.payload);
    const signature = this.signer.sign(delivery.secret, delivery.id, sentAt, body);
    const url = new URL(delivery.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => request.destroy(new TimeoutError()), this.config.timeoutMs);
      const request = send(url, {
        method: 'POST',
        agent: this.agents[url.protocol as 'http:' | 'https:'],
        signal,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': 'open-chat-service-webhooks',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
      }, (response) => {
        // The status is known: the body is read within the same time limit; a body cut short still gives what came.
        const chunks: Buffer[] = [];
        let kept = 0;
        const answered = () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, excerpt: excerptOf(chunks) });
        };
        response.on('data', (chunk: Buffer) => {
          if (kept >= RESPONSE_EXCERPT_BYTES) return;
          chunks.push(chunk.subarray(0, RESPONSE_EXCERPT_BYTES - kept));
          kept += chunks[chunks.length - 1].length;
        });
        response.on('end', answered);
        response.on('error', answered);
        response.on('aborted', answered);
      });
      request.on('error', (error) => { clearTimeout(timer); reject(error); });
      request.end(body);
    });
  }

  private failed(delivery: ClaimedDelivery, statusCode: number | null, error: string): AttemptOutcome {
    const retryIn = this.config.retryDelaysMs[delivery.attempts];
    return { status: retryIn === undefined ? 'FAILED' : 'PENDING', retryInMs: retryIn ?? 0, statusCode, error: error.slice(0, MAX_ERROR_LENGTH) };
  }
}

/** Rows to claim in one statement for this in-flight limit. */
const claimSize = (limit: number) => Math.min(CLAIM_BATCH, Math.max(CLAIM_MIN, limit * CLAIM_PER_SLOT));

/** The start of an answer's body as text, or null when it had none. */
function excerptOf(chunks: Buffer[]): string | null {
  if (chunks.length === 0) return null;
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? null : text;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class TimeoutError extends Error {}

/** What went wrong, for the delivery log: a timeout, a closed connection, a refused one… */
function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof TimeoutError) return `timed out after ${timeoutMs} ms`;
  const failure = error as { code?: string; message?: string } | null;
  if (failure?.code === 'ECONNRESET' || failure?.message === 'socket hang up') return 'connection closed by the receiver';
  if (failure?.code) return `${failure.code}: ${failure.message ?? ''}`.trim();
  return error instanceof Error ? (error.message || error.name) : String(error);
}
