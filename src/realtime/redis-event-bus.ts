import { randomUUID } from 'node:crypto';
import { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MetricsService } from '../metrics/metrics.service.js';
import { CodecError, Json } from './codec.js';
import type { DomainEvent } from './domain-events.js';
import { EventCodec } from './event-codec.js';
import { EventBus, EventListener } from './event-bus.js';
import { LocalEventBus } from './local-event-bus.js';
import { RedisConnections } from './redis-connections.js';

/** What one Redis message carries: plain JSON, the event encoded by the codec the bus was given (its type's codec in the event table). */
interface Envelope {
  /** The publishing instance: it already delivered locally and skips its own echo. */
  from: string;
  /** Publish time (ms), for the bus lag metric. */
  at: number;
  event: Json;
}

/** The envelope read back, its own fields checked (the event is decoded once it is known to be another instance's). */
function readEnvelope(raw: string): { from: string; at: number; event: unknown } {
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null) throw new CodecError('envelope', 'an object');
  const { from, at, event } = parsed as Partial<Record<keyof Envelope, unknown>>;
  if (typeof from !== 'string' || from === '') throw new CodecError('envelope.from', 'an instance id');
  if (typeof at !== 'number' || !Number.isFinite(at)) throw new CodecError('envelope.at', 'a time in ms');
  return { from, at, event };
}

/**
 * The bus across instances: every event is delivered to this instance's listeners at once, then
 * sent on one Redis channel that every other instance delivers locally, in the order each
 * instance published. The bus is the only thing that crosses instances for domain events.
 */
export class RedisEventBus extends EventBus implements OnModuleInit, OnModuleDestroy {
  private readonly instanceId = randomUUID();
  private subscriber?: Redis;
  private readonly channel: string;

  constructor(
    private readonly local: LocalEventBus,
    private readonly redis: RedisConnections,
    private readonly codec: EventCodec,
    private readonly metrics: MetricsService,
    private readonly log: Logger,
  ) {
    super();
    this.channel = `${redis.namespace}:events`;
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.open('events-subscriber');
    this.subscriber.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.receive(raw);
    });
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.unsubscribe(this.channel).catch(() => undefined);
  }

  async publish(event: DomainEvent): Promise<void> {
    // Onto the wire first, so other instances do not wait for this one's own fan-out.
    let encoded: string;
    try {
      const envelope: Envelope = { from: this.instanceId, at: Date.now(), event: this.codec.encode(event) };
      encoded = JSON.stringify(envelope);
    } catch (error) {
      // A view the codec cannot write (an invalid Date): a bug. This instance still gets the event.
      this.log.error({ err: error, event: event.type }, 'event could not be encoded for the Redis bus; delivered on this instance only');
      this.local.deliver(event);
      return;
    }
    const sent = this.redis.command().publish(this.channel, encoded);
    this.local.deliver(event);
    await sent;
  }

  onEvent(listener: EventListener): () => void {
    return this.local.onEvent(listener);
  }

  /** Never throws: a malformed message is logged (where it is wrong, not its content) and dropped. */
  private receive(raw: string): void {
    let type: unknown;
    let received: { at: number; event: DomainEvent };
    try {
      const envelope = readEnvelope(raw);
      if (envelope.from === this.instanceId) return;
      type = (envelope.event as { type?: unknown } | null)?.type;
      received = { at: envelope.at, event: this.codec.decode(envelope.event) };
    } catch (error) {
      const where = error instanceof CodecError ? { path: error.path, expected: error.expected } : { err: error };
      this.log.warn({ ...where, type: typeof type === 'string' ? type.slice(0, 64) : undefined }, 'malformed event on the Redis bus; dropped');
      return;
    }
    this.metrics.busLag.observe(Math.max(0, Date.now() - received.at) / 1000);
    this.local.deliver(received.event);
  }
}
