import { DynamicModule, Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { LoggingModule } from '../common/logging/logging.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { ENTITIES } from '../schema/entities.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { EVENT_CODEC } from '../events/event-table.js';
import { UsersModule } from '../users/users.module.js';

/** What the CLI needs: the same services as the server, without HTTP, GraphQL or sockets. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), LoggingModule, MetricsModule, DatabaseModule.forRoot(ENTITIES), RealtimeModule.forRoot({ codec: EVENT_CODEC }), AuthModule, AppsModule, UsersModule],
    };
  }
}
