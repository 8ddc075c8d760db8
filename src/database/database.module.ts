import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { createDataSource } from './data-source.options.js';
import { runMigrations } from './migrate.js';
import { RawSql } from './raw-sql.js';
import { UnitOfWork } from './transaction.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { QueryTimerSubscriber } from './query-timer.subscriber.js';

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [AppConfig, MetricsService],
      useFactory: async (config: AppConfig, metrics: MetricsService) => {
        const db = await createDataSource(config.database);
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
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async onApplicationShutdown() {
    if (this.db.isInitialized) await this.db.destroy();
  }
}
