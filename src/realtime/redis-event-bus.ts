import { randomUUID } from 'node:crypto';
import { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DomainEvent } from './domain-events.js';
import { EventBus, EventListener } from './event-bus.js';
import { LocalEventBus } from './local-event-bus.js';
import { RedisConnections } from './redis-connections.js';


interface Envelope {
  /** The publishing instance: it already delivered locally and skips its own echo. */
  from: string;
  /** Publish time (ms), for the bus lag metric. */
  at: number;
  event: DomainEvent;
}

const DATE_KEY = /(At|Until)$/;
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** JSON turns Dates into strings; the views carry them in fields named *At / *Until. */
const reviveDates = (key: string, value: unknown) =>
  typeof value === 'string' && DATE_KEY.test(key) && ISO_DATE.test(value) ? new Date(value) : value;

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
    const envelope: Envelope = { from: this.instanceId, at: Date.now(), event };
    const sent = this.redis.command().publish(this.channel, JSON.stringify(envelope));
    this.local.deliver(event);
    await sent;
  }

  onEvent(listener: EventListener): () => void {
    return this.local.onEvent(listener);
  }

  private receive(raw: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw, reviveDates) as Envelope;
    } catch (error) {
      this.log.warn({ err: error }, 'unreadable event on the Redis bus');
      return;
    }
    if (envelope.from === this.instanceId) return;
    this.metrics.busLag.observe(Math.max(0, Date.now() - envelope.at) / 1000);
    this.local.deliver(envelope.event);
  }
}
