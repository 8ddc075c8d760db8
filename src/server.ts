import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { compileTrust } from './common/client-address.js';
import { ChatValidationPipe } from './common/errors/validation.pipe.js';
import { LOGGER } from './common/logging/logging.module.js';
import { LegacyIoAdapter } from './legacy/legacy-io.adapter.js';
import { createLogger, PinoNestLogger } from './common/logging/logger.js';
import { AppConfig } from './config/app-config.js';

export interface RunningServer {
  app: INestApplication;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Creates the Nest app on the given config and listens; used by main.ts and the tests alike. */
export async function startServer(config: AppConfig): Promise<RunningServer> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: new PinoNestLogger(createLogger(config.logLevel)),
    abortOnError: false,
  });
  // API answers are not documents to revalidate: without this, Express hashes every response body
  // (sha1) for an ETag that no GraphQL POST, health or metrics client sends back. The console's
  // files carry their own, computed once (ConsoleAssets).
  app.set('etag', false);
  app.disable('x-powered-by');
  // req.ip (and req.secure) believe X-Forwarded-* only from the proxies TRUST_PROXY names; sockets read it alike (clientAddressOf).
  app.set('trust proxy', compileTrust(config.trustProxy));
  app.enableCors({ origin: true, credentials: false });
  app.useGlobalPipes(new ChatValidationPipe());
  app.useWebSocketAdapter(new LegacyIoAdapter(app));
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  app.get<Logger>(LOGGER).debug({ url }, 'listening');
  return { app, url, port: address.port, close: () => app.close() };
}
