import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { ModerationService } from './moderation.service.js';

export const MUTE_SWEEP_INTERVAL_MS = 1000;

/** Ends mutes and bans on time: every second, expired ones are removed and UNMUTED / UNBANNED go out. */
@Injectable()
export class MuteSweeper implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly moderation: ModerationService, @Inject(LOGGER) private readonly log: Logger) {}

  onModuleInit() {
    this.timer = setInterval(() => void this.sweep(), MUTE_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass; passes never overlap on one instance. */
  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.moderation.expireMutes();
      await this.moderation.expireBans();
    } catch (error) {
      this.log.warn({ err: error }, 'mute sweep failed; retrying on the next tick');
    } finally {
      this.running = false;
    }
  }
}
