import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { AppConfig } from '../config/app-config.js';
import { MessageWriter } from '../messages/message-writer.js';

/** How often the load is sampled. */
export const SAMPLE_MS = 100;
/** POSTs in flight while yielding, at most WEBHOOK_CONCURRENCY: never 0, so deliveries still progress. */
export const FLOOR = 2;
/**
 * POSTs started per second, at most, while at the floor (sends saturate the instance): a trickle,
 * so a long overload still delivers, at about 1% of a core. Two in flight to a fast receiver would
 * otherwise run some 600 a second and take a fifth of ingest on a small machine.
 */
export const AT_FLOOR_RATE = 50;
/**
 * Event-loop utilisation (0–1, over one sample) at or above which, with sends waiting (QUEUED / 4 or
 * more), the worker halves its limit. A busy loop with no send waiting is the webhook work itself
 * (e.g. 3,000 POSTs/s at 1,000 msg/s): yielding to it would only add lag.
 */
export const BUSY = 0.9;
/** Below this it grows again by an eighth of the maximum per sample. */
export const IDLE = 0.7;
/** Sends waiting for the next INSERT at which ingest counts as saturated whatever the event loop says (the database may be the bottleneck). */
export const QUEUED = 8;

/** One sample: how busy the event loop was, whether messages were being sent, how many waited for the next INSERT. */
export interface LoadSample { busy: number; sending: boolean; waiting?: number }

/**
 * The webhook worker's next in-flight limit (a pure function, see ingest-pressure.spec.ts):
 * the maximum when no message is being sent (nothing to yield to: a burst's deliveries catch up
 * at full speed); halved down to the floor while sends wait and keep the event loop busy, or queue
 * up (QUEUED) behind the INSERT under way; grown back by
 * an eighth of the maximum per sample when it is not; unchanged in between.
 */
export function nextLimit(current: number, sample: LoadSample, floor: number, max: number): number {
  if (!sample.sending) return max;
  const waiting = sample.waiting ?? 0;
  if ((sample.busy >= BUSY && waiting >= QUEUED / 4) || waiting >= QUEUED) return Math.max(floor, Math.floor(current / 2));
  if (sample.busy < IDLE && (sample.waiting ?? 0) < QUEUED / 2) return Math.min(max, current + Math.max(1, Math.ceil(max / 8)));
  return Math.min(max, Math.max(floor, current));
}

/**
 * Makes webhook work yield to message ingest on the same instance: samples the event loop's
 * utilisation and the message writer's activity every SAMPLE_MS (cheap: two counters) and keeps
 * the worker's in-flight limit (nextLimit). Under saturation the worker sends FLOOR POSTs at a
 * time, AT_FLOOR_RATE a second at most (startIn), and writes less often; when sending stops or the load falls it returns to
 * WEBHOOK_CONCURRENCY. Deliveries stay in the database meanwhile (at least once, unchanged).
 */
@Injectable()
export class IngestPressure implements OnApplicationBootstrap, OnModuleDestroy {
  readonly max: number;
  private readonly floor: number;
  private current: number;
  private timer: NodeJS.Timeout | null = null;
  private lastLoop = performance.eventLoopUtilization();
  private lastTaken = 0;
  private readonly raised = new Set<() => void>();
  /** When the next POST may start while at the floor (epoch ms). */
  private nextAtFloor = 0;

  constructor(private readonly writer: MessageWriter, config: AppConfig) {
    this.max = config.webhooks.concurrency;
    this.floor = Math.min(FLOOR, this.max);
    this.current = this.max;
  }

  onApplicationBootstrap() {
    this.lastTaken = this.writer.pressure().taken;
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** POSTs the worker may have in flight now. */
  get limit(): number {
    return this.current;
  }

  /** Whether webhook work is held back as far as it goes (sends keep this instance saturated). */
  get atFloor(): boolean {
    return this.current <= this.floor && this.current < this.max;
  }

  /** Whether webhook work is held back for sending now. */
  get yielding(): boolean {
    return this.current < this.max;
  }

  /**
   * Asks to start one POST now: 0 when it may (counted against AT_FLOOR_RATE while at the floor),
   * else the ms to wait before asking again.
   */
  startIn(now = Date.now()): number {
    if (!this.atFloor) return 0;
    if (now < this.nextAtFloor) return this.nextAtFloor - now;
    this.nextAtFloor = now + 1000 / AT_FLOOR_RATE;
    return 0;
  }

  /** Calls `listener` whenever the limit grows (queued work may start). */
  onRaise(listener: () => void): () => void {
    this.raised.add(listener);
    return () => this.raised.delete(listener);
  }

  /** Takes one sample of the load now (every SAMPLE_MS on its own). */
  sample(): void {
    const loop = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(loop, this.lastLoop).utilization;
    this.lastLoop = loop;
    const { waiting, taken } = this.writer.pressure();
    const sending = waiting > 0 || taken > this.lastTaken;
    this.lastTaken = taken;
    const before = this.current;
    this.current = nextLimit(before, { busy, sending, waiting }, this.floor, this.max);
    if (this.current > before) for (const listener of this.raised) listener();
  }
}
