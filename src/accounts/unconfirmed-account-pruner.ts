import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { ChatError } from '../common/errors/chat-error.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { UsersService } from '../users/users.service.js';
import { TalkerAccountsRepository } from './talker-accounts.repository.js';
import { TalkerApp } from './talker-app.service.js';

/** How long a registration waits for its confirmation before its email and username are free again. */
export const UNCONFIRMED_TTL_MS = 48 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** Users deleted per statement (UsersService.deleteMany's limit). */
const BATCH = 1000;

/**
 * Deletes the users of talker accounts left unconfirmed for UNCONFIRMED_TTL_MS, at start and
 * hourly, so a registration naming someone else's email cannot hold it for ever: the owner may
 * register it after two days. Through UsersService, as any user deletion (user.deleted, sessions
 * ended with the account). Every instance runs it; deleting a user already gone deletes nothing.
 */
@Injectable()
export class UnconfirmedAccountPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly accounts: TalkerAccountsRepository,
    private readonly users: UsersService,
    private readonly app: TalkerApp,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap() {
    void this.prune();
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass, after any under way; how many users went. Never throws. */
  prune(now = Date.now()): Promise<number> {
    const pass = this.running.then(() => this.pruneOnce(new Date(now - UNCONFIRMED_TTL_MS))).catch((err: unknown) => {
      // The talker API off (production without TALKER_APP_ID) is no failure: there is nothing to prune.
      if (!(err instanceof ChatError && err.code === 'UNAVAILABLE')) this.log.warn({ err }, 'could not delete the unconfirmed talker accounts');
      return 0;
    });
    this.running = pass;
    return pass;
  }

  private async pruneOnce(before: Date): Promise<number> {
    const scope = await this.app.scope();
    let total = 0;
    for (;;) {
      const ids = await this.accounts.unconfirmedBefore(scope, before, BATCH);
      if (ids.length === 0) break;
      const deleted = await this.users.deleteMany(scope, ids);
      total += deleted;
      if (ids.length < BATCH || deleted === 0) break;
    }
    if (total > 0) this.log.info({ count: total }, 'deleted talker accounts never confirmed');
    return total;
  }
}
