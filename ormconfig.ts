// The TypeORM CLI's DataSource (npm run migration:run / :revert / :generate), built from DATABASE_URL.
import 'reflect-metadata';
import { loadConfig } from './src/config/load-config.js';
import { createDataSource } from './src/database/data-source.options.js';
import { ENTITIES } from './src/schema/entities.js';

export default await createDataSource(loadConfig(process.env).database, ENTITIES);
