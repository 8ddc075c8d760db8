import { Injectable, OnModuleInit } from '@nestjs/common';
import { InvalidatedCache } from '../common/invalidated-cache.js';
import { scopeOf } from '../database/app-scope.js';
import { Tx } from '../database/transaction.js';
import { webhookEventsOf } from '../events/event-table.js';
import type { DomainEvent } from '../realtime/domain-events.js';
import { EventBus } from '../realtime/event-bus.js';
import { EventOutbox, OutboxRecorder } from '../realtime/event-outbox.js';
import { NewDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** A safety net only: app.changed drops an app's endpoints on every instance at once. */
const CACHE_TTL_MS = 30_000;
const MAX_CACHED_APPS = 10_000;

/** Materialised from the messages table (webhook-materialiser.ts), never recorded here: sends stay one autocommit INSERT. */
const MATERIALISED = 'message.created';

/** The event's webhook events this recorder writes (all but the materialised one). */
const recordedHooksOf = (event: DomainEvent) => webhookEventsOf(event).filter((hook) => hook.type !== MATERIALISED);

/** An enabled endpoint as the recorder needs it. */
interface Endpoint { id: string; events: ReadonlySet<string> }

/**
 * Turns domain events into delivery rows, one per (endpoint that wants it, webhook event), each
 * with its body fixed now: `{type, timestamp, data}` (message.created excepted: see
 * WebhookMaterialiser). Handed to EventOutbox at start, so the
 * features record through it without importing webhooks/.
 */
@Injectable()
export class WebhookOutbox implements OutboxRecorder, OnModuleInit {
  private readonly endpoints = new InvalidatedCache<Endpoint[]>(CACHE_TTL_MS, MAX_CACHED_APPS, true);

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly outbox: EventOutbox,
    private readonly events: EventBus,
  ) {}

  onModuleInit() {
    this.outbox.use(this);
    this.events.onEvent((event) => { if (event.type === 'app.changed') this.endpoints.delete(event.appId); });
  }

  /** The app's enabled endpoints, from the cache. */
  async endpointsOf(appId: string): Promise<Endpoint[]> {
    return (await this.endpoints.read(appId, async () => (await this.webhooks.listEnabled(scopeOf(appId)))
      .map((row) => ({ id: row.id, events: new Set(row.events) })))) ?? [];
  }

  async record(events: readonly DomainEvent[], tx?: Tx): Promise<void> {
    const rows: NewDelivery[] = [];
    const timestamp = new Date().toISOString();
    for (const event of events) {
      const hooks = recordedHooksOf(event);
      if (hooks.length === 0) continue;
      const endpoints = await this.endpointsOf(event.appId);
      for (const hook of hooks) {
        const wanting = endpoints.filter((endpoint) => endpoint.events.has(hook.type));
        if (wanting.length === 0) continue;
        const payload = JSON.stringify({ type: hook.type, timestamp, data: hook.data });
        for (const endpoint of wanting) rows.push({ scope: scopeOf(event.appId), webhookId: endpoint.id, eventType: hook.type, payload });
      }
    }
    await this.deliveries.insertMany(rows, tx);
  }
}
