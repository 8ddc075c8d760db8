import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Transport = 'graphql-ws' | 'legacy';

/**
 * This instance's Prometheus metrics, in a registry of its own (several app instances may share
 * one process, as the tests do). Scraped at GET /metrics.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly connections = new Gauge({
    name: 'chat_connections', help: 'Open client connections on this instance, per transport.',
    labelNames: ['transport'] as const, registers: [this.registry],
  });

  readonly messagesIn = new Counter({
    name: 'chat_messages_in_total', help: 'Messages stored (sent by any transport or the app backend).', registers: [this.registry],
  });

  readonly messagesOut = new Counter({
    name: 'chat_messages_out_total', help: 'Message deliveries to live subscribers on this instance, per transport.',
    labelNames: ['transport'] as const, registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'chat_delivery_latency_seconds', help: 'From a message being stored to its hand-off to a live subscriber.',
    labelNames: ['transport'] as const, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly dbQuery = new Histogram({
    name: 'chat_db_query_seconds', help: 'Database query time as the driver reports it.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });

  readonly busLag = new Histogram({
    name: 'chat_event_bus_lag_seconds', help: 'From publish on one instance to delivery on another (Redis bus only).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });

  readonly messageBatch = new Histogram({
    name: 'chat_message_batch_size', help: 'Messages stored per group commit.',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry],
  });

  readonly subscriptionExecutions = new Counter({
    name: 'chat_graphql_subscription_executions_total',
    help: 'Executions of subscription events: shared (once per event for all alike subscribers) or own (per subscriber).',
    labelNames: ['path'] as const, registers: [this.registry],
  });

  readonly preSendHook = new Counter({
    name: 'chat_pre_send_hook_total',
    help: 'Pre-send hook calls by outcome: allow, reject, replace; or timeout, error (status, connection) and invalid (an answer that is none of the three), each then settled by the app\'s onTimeout.',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });

  readonly preSendHookLatency = new Histogram({
    name: 'chat_pre_send_hook_seconds', help: 'From calling an app\'s pre-send hook to its answer (or giving up on it).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'chat_' });
  }

  /** Counts deliveries of one message to `count` subscribers of a transport. */
  delivered(transport: Transport, count: number, createdAt: Date): void {
    if (count === 0) return;
    this.messagesOut.inc({ transport }, count);
    this.deliveryLatency.observe({ transport }, Math.max(0, Date.now() - createdAt.getTime()) / 1000);
  }
}
