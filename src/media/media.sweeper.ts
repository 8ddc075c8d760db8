import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppConfig } from '../config/app-config.js';
import { EventBus } from '../realtime/event-bus.js';
import { MediaService } from './media.service.js';

/**
 * Removes files nobody may read any more: at once after a user or a room is deleted (their
 * files' rows were nulled by the database; every instance hears the event and sweeps, which is
 * idempotent), and every MEDIA_SWEEP_INTERVAL_SECONDS for uploads never attached for
 * MEDIA_UNATTACHED_TTL_SECONDS (a day). Like the mute sweeper, passes never overlap on one instance.
 */
@Injectable()
export class MediaSweeper implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly media: MediaService,
    private readonly bus: EventBus,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit() {
    this.timer = setInterval(() => void this.sweep(), this.config.media.sweepEveryMs);
    this.timer.unref();
    this.unsubscribe = this.bus.onEvent((event) => {
      if (event.type === 'user.changed' || event.type === 'room.deleted') void this.sweep();
    });
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
  }

  /** One pass (another follows if asked for meanwhile); resolves with how many files it removed. */
  async sweep(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let removed = 0;
      do {
        this.again = false;
        try {
          removed += await this.media.sweep();
        } catch (error) {
          this.log.warn({ err: error }, 'media sweep failed; retrying on the next tick');
        }
      } while (this.again);
      return removed;
    })();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }
}
