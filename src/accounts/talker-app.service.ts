import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppsService } from '../apps/apps.service.js';
import { ChatError } from '../common/errors/chat-error.js';
import { LOGGER } from '../common/logging/logging.module.js';
import { AppConfig } from '../config/app-config.js';
import { AppScope, scopeOf } from '../database/app-scope.js';
import { TalkerAppRepository } from './talker-app.repository.js';

/** The name of the app a development server makes for talker accounts. */
export const TALKER_APP_NAME = 'talker';

class LostRace extends Error {}

/**
 * Which app talker accounts are users of: TALKER_APP_ID; unset outside production, an app named
 * `talker` made at the first start (recorded in the one-row talker_app table, whose key lets only
 * one of several instances starting together make it); unset in production, none: the talker API
 * answers UNAVAILABLE.
 */
@Injectable()
export class TalkerApp implements OnApplicationBootstrap {
  private known: AppScope | null = null;
  private pending: Promise<AppScope> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly apps: AppsService,
    private readonly rows: TalkerAppRepository,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap() {
    if (!this.config.talker.appId && this.config.production) {
      this.log.info('talker API off: TALKER_APP_ID is not set');
      return;
    }
    try {
      const scope = await this.scope();
      this.log.debug({ appId: scope.appId }, 'talker accounts live in this app');
    } catch (error) {
      this.log.warn({ err: error }, 'the talker app is not available yet; asked again on the first talker request');
    }
  }

  /** The talker app's scope; UNAVAILABLE when none is configured or it cannot be found now. */
  scope(): Promise<AppScope> {
    if (this.known) return Promise.resolve(this.known);
    this.pending ??= this.resolve().then(
      (scope) => { this.known = scope; this.pending = null; return scope; },
      (error: unknown) => { this.pending = null; throw error; },
    );
    return this.pending;
  }

  /** The app id when it is known already (no query), else null. */
  get appId(): string | null {
    return this.known?.appId ?? null;
  }

  private async resolve(): Promise<AppScope> {
    const configured = this.config.talker.appId;
    if (configured) {
      if (!(await this.apps.credentials(configured))) throw new ChatError('UNAVAILABLE', `TALKER_APP_ID ${configured} names no app`);
      return scopeOf(configured);
    }
    if (this.config.production) throw new ChatError('UNAVAILABLE', 'The talker API is off: the operator has not set TALKER_APP_ID');
    const recorded = await this.rows.find();
    if (recorded) return scopeOf(recorded);
    try {
      const created = await this.apps.create(TALKER_APP_NAME, async (tx, appId) => {
        if (!(await this.rows.insertOnce(appId, tx))) throw new LostRace();
      });
      this.log.info({ appId: created.app.id }, 'created the talker app (set TALKER_APP_ID to choose another)');
      return scopeOf(created.app.id);
    } catch (error) {
      if (!(error instanceof LostRace)) throw error;
      const winner = await this.rows.find();
      if (!winner) throw new ChatError('UNAVAILABLE', 'The talker app is being created: try again');
      return scopeOf(winner);
    }
  }
}
