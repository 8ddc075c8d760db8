import { DynamicModule, Module } from '@nestjs/common';
import { AppsModule } from './apps/apps.module.js';
import { AuthModule } from './auth/auth.module.js';
import { GraphqlApiModule } from './graphql/graphql-api.module.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { LegacyModule } from './legacy/legacy.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConsoleModule } from './console/console.module.js';
import { DatabaseModule } from './database/database.module.js';
import { ENTITIES } from './schema/entities.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MediaModule } from './media/media.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { ModerationModule } from './moderation/moderation.module.js';
import { LiveModule } from './graphql/live.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { EVENT_CODEC } from './events/event-table.js';
import { RoomsModule } from './rooms/rooms.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** Imports the feature modules; owns no providers. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        MetricsModule,
        DatabaseModule.forRoot(ENTITIES),
        RealtimeModule.forRoot({ codec: EVENT_CODEC }),
        AuthModule,
        AppsModule,
        UsersModule,
        RoomsModule,
        MediaModule,
        MessagesModule,
        ModerationModule,
        WebhooksModule,
        LegacyModule,
        LiveModule,
        GraphqlApiModule,
        HealthModule,
        ConsoleModule,
      ],
    };
  }
}
