import { Module } from '@nestjs/common';
import { ModerationModule } from '../moderation/moderation.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { GraphqlEventBridge } from './graphql-event.bridge.js';
import { LiveResolver } from './live.resolver.js';

/** GraphQL subscriptions fed by the event bus. */
@Module({
  imports: [RoomsModule, ModerationModule],
  providers: [GraphqlEventBridge, LiveResolver],
  exports: [GraphqlEventBridge],
})
export class LiveModule {}
