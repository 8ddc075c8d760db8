import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { LegacyChatGateway } from './legacy-chat.gateway.js';
import { LegacyChatService } from './legacy-chat.service.js';
import { LegacyEventBridge } from './legacy-event.bridge.js';
import { PresenceAnnouncer } from './presence.announcer.js';

/** The legacy Socket.IO transport: the Moneypot chatbox protocol over the same services and bus as GraphQL. */
@Module({
  imports: [AppsModule, UsersModule, RoomsModule, MessagesModule, ModerationModule],
  providers: [LegacyChatGateway, LegacyChatService, LegacyEventBridge, PresenceAnnouncer],
})
export class LegacyModule {}
