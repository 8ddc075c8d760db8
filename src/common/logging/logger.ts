import { LoggerService } from '@nestjs/common';
import { pino, Logger } from 'pino';

/** Paths pino blanks out wherever they appear: secrets and tokens never reach the logs. */
export const REDACTED_PATHS = [
  'secret', '*.secret', 'token', '*.token', 'hashedToken', '*.hashedToken', 'hashed_token', '*.hashed_token',
  'adminKey', '*.adminKey', 'password', '*.password',
  'req.headers.authorization', 'req.headers["x-app-secret"]', 'req.headers["x-admin-key"]',
  'headers.authorization', 'headers["x-app-secret"]', 'headers["x-admin-key"]',
  'connectionParams.authorization',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'chat' } });
}

/** Lets Nest's own logging (bootstrap, exceptions) go through pino as structured lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pinoLog: Logger) {}
  log(message: unknown, context?: string) { this.pinoLog.info({ context }, String(message)); }
  error(message: unknown, trace?: string, context?: string) { this.pinoLog.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string) { this.pinoLog.warn({ context }, String(message)); }
  debug(message: unknown, context?: string) { this.pinoLog.debug({ context }, String(message)); }
  verbose(message: unknown, context?: string) { this.pinoLog.trace({ context }, String(message)); }
}
