import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { WebhookAttemptsRepository } from './webhook-attempts.repository.js';

/** How long the attempt log keeps an attempt. */
export const ATTEMPT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** Deletes attempts older than the retention, at start and hourly (every instance does; the deletes are idempotent). */
@Injectable()
export class WebhookAttemptPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly attempts: WebhookAttemptsRepository, @Inject(LOGGER) private readonly log: Logger) {}

  onApplicationBootstrap() {
    this.prune();
    this.timer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private prune(): void {
    this.running = this.running.then(() => this.attempts.deleteStartedBefore(new Date(Date.now() - ATTEMPT_RETENTION_MS)))
      .then(() => undefined, (err: unknown) => this.log.warn({ err }, 'could not prune the webhook attempt log'));
  }
}
