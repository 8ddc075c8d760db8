import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { createDataSource, Entities } from './data-source.options.js';
import { runMigrations } from './migrate.js';
import { RawSql } from './raw-sql.js';
import { UnitOfWork } from './transaction.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { QueryTimerSubscriber } from './query-timer.subscriber.js';

/** The DataSource (migrated at start), the unit of work and RawSql, for every module. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** `entities`: the schema's entity classes (src/schema/entities.ts), given by the root module. */
  static forRoot(entities: Entities): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [AppConfig, MetricsService],
          useFactory: async (config: AppConfig, metrics: MetricsService) => {
            const db = await createDataSource(config.database, entities);
            await db.initialize();
            db.subscribers.push(new QueryTimerSubscriber(metrics));
            await runMigrations(db);
            return db;
          },
        },
        UnitOfWork,
        RawSql,
      ],
      exports: [DataSource, UnitOfWork, RawSql],
    };
  }

  async onApplicationShutdown() {
    if (this.db.isInitialized) await this.db.destroy();
  }
}
