import { DynamicModule, Global, Module } from '@nestjs/common';
import { RequestLoaders } from '../common/graphql/request-loaders.js';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { EventBus } from './event-bus.js';
import { EventCodec } from './event-codec.js';
import { EventOutbox } from './event-outbox.js';
import { RedisEventBus } from './redis-event-bus.js';
import { LocalEventBus } from './local-event-bus.js';
import { LocalPresenceService } from './local-presence.service.js';
import { PresenceService } from './presence.service.js';
import { RedisPresenceService } from './redis-presence.service.js';
import { RedisConnections } from './redis-connections.js';

export interface RealtimeOptions {
  /** How events cross Redis: the event table's codec (src/events/), given by the root module so realtime imports no feature. */
  codec: EventCodec;
}

/** What every module may use to reach live clients: the bus, presence, Redis. No feature imports. */
@Global()
@Module({})
export class RealtimeModule {
  static forRoot({ codec }: RealtimeOptions): DynamicModule {
    return {
      module: RealtimeModule,
      providers: [
        RedisConnections, LocalEventBus, RequestLoaders, EventOutbox,
        { provide: EventCodec, useValue: codec },
        {
          // REDIS_URL set: events cross instances through Redis; unset: in process. Same interface.
          provide: EventBus,
          inject: [AppConfig, LocalEventBus, RedisConnections, EventCodec, MetricsService, LOGGER],
          useFactory: (config: AppConfig, local: LocalEventBus, redis: RedisConnections, eventCodec: EventCodec, metrics: MetricsService, log: Logger) =>
            config.redisUrl ? new RedisEventBus(local, redis, eventCodec, metrics, log) : local,
        },
        {
          // Likewise presence: Redis (heartbeats, dead instances reaped) or this process's counts.
          provide: PresenceService,
          inject: [AppConfig, RedisConnections, LOGGER],
          useFactory: (config: AppConfig, redis: RedisConnections, log: Logger) =>
            config.redisUrl ? new RedisPresenceService(redis, config.presence, log) : new LocalPresenceService(log),
        },
      ],
      exports: [PresenceService, RedisConnections, EventBus, RequestLoaders, EventOutbox],
    };
  }
}
