import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { createDataSource } from './data-source.options.js';
import { runMigrations } from './migrate.js';
import { UnitOfWork } from './transaction.js';

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const db = await createDataSource(config.database);
        await db.initialize();
        await runMigrations(db);
        return db;
      },
    },
    UnitOfWork,
  ],
  exports: [DataSource, UnitOfWork],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async onApplicationShutdown() {
    if (this.db.isInitialized) await this.db.destroy();
  }
}
