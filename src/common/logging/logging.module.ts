import { Global, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { AppConfig } from '../../config/app-config.js';
import { createLogger } from './logger.js';

/** The injection token of the root pino logger. */
export const LOGGER = Symbol('LOGGER');
export type { Logger };

@Global()
@Module({
  providers: [{ provide: LOGGER, inject: [AppConfig], useFactory: (config: AppConfig) => createLogger(config.logLevel) }],
  exports: [LOGGER],
})
export class LoggingModule {}
