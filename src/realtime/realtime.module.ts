import { Global, Module } from '@nestjs/common';
import { PresenceService } from './presence.service.js';
import { RedisConnections } from './redis-connections.js';

@Global()
@Module({
  providers: [PresenceService, RedisConnections],
  exports: [PresenceService, RedisConnections],
})
export class RealtimeModule {}
