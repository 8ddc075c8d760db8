import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { GraphqlEventBridge } from './graphql-event.bridge.js';
import { LiveResolver } from './live.resolver.js';

/** GraphQL subscriptions fed by the event bus. */
@Module({
  imports: [RoomsModule, UsersModule, MessagesModule],
  providers: [GraphqlEventBridge, LiveResolver],
})
export class LiveModule {}
