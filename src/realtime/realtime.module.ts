import { Global, Module } from '@nestjs/common';
import { RequestLoaders } from '../common/graphql/request-loaders.js';
import { EventBus } from './event-bus.js';
import { LocalEventBus } from './local-event-bus.js';
import { PresenceService } from './presence.service.js';
import { RedisConnections } from './redis-connections.js';

/** What every module may use to reach live clients: the bus, presence, Redis. No feature imports. */
@Global()
@Module({
  providers: [PresenceService, RedisConnections, LocalEventBus, { provide: EventBus, useExisting: LocalEventBus }, RequestLoaders],
  exports: [PresenceService, RedisConnections, EventBus, RequestLoaders],
})
export class RealtimeModule {}
