import { Global, Module } from '@nestjs/common';
import { RequestLoaders } from '../common/graphql/request-loaders.js';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { EventBus } from './event-bus.js';
import { RedisEventBus } from './redis-event-bus.js';
import { LocalEventBus } from './local-event-bus.js';
import { LocalPresenceService } from './local-presence.service.js';
import { PresenceService } from './presence.service.js';
import { RedisPresenceService } from './redis-presence.service.js';
import { RedisConnections } from './redis-connections.js';

/** What every module may use to reach live clients: the bus, presence, Redis. No feature imports. */
@Global()
@Module({
  providers: [
    RedisConnections, LocalEventBus, RequestLoaders,
    {
      // REDIS_URL set: events cross instances through Redis; unset: in process. Same interface.
      provide: EventBus,
      inject: [AppConfig, LocalEventBus, RedisConnections, MetricsService, LOGGER],
      useFactory: (config: AppConfig, local: LocalEventBus, redis: RedisConnections, metrics: MetricsService, log: Logger) =>
        config.redisUrl ? new RedisEventBus(local, redis, metrics, log) : local,
    },
    {
      // Likewise presence: Redis (heartbeats, dead instances reaped) or this process's counts.
      provide: PresenceService,
      inject: [AppConfig, RedisConnections, LOGGER],
      useFactory: (config: AppConfig, redis: RedisConnections, log: Logger) =>
        config.redisUrl ? new RedisPresenceService(redis, config.presence, log) : new LocalPresenceService(log),
    },
  ],
  exports: [PresenceService, RedisConnections, EventBus, RequestLoaders],
})
export class RealtimeModule {}
