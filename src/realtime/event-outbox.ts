import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import { Tx } from '../database/transaction.js';
import type { DomainEvent } from './domain-events.js';

/** What records an event's durable deliveries (webhooks/ provides it: the dependency points down). */
export interface OutboxRecorder {
  /** Writes the events' deliveries, in `tx` when given. */
  record(events: readonly DomainEvent[], tx?: Tx): Promise<void>;
}

/**
 * The seam between the features and webhooks. A service records the events a change causes
 * inside the change's own transaction (`record(events, tx)`), so a delivery exists exactly when
 * its change committed; where a change has no transaction it records right after it
 * (`recordAfter`), before publishing. Features import this, never webhooks/: WebhooksModule
 * hands its recorder over at start. With no recorder, both do nothing.
 */
@Injectable()
export class EventOutbox {
  private recorder: OutboxRecorder | null = null;

  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  use(recorder: OutboxRecorder): void {
    this.recorder = recorder;
  }

  /** Whether a recorder is in place (webhooks are on); false spares callers any work. */
  get recording(): boolean {
    return this.recorder !== null;
  }

  /** Inside the change's transaction: a failure fails the change. */
  async record(events: readonly DomainEvent[], tx: Tx): Promise<void> {
    if (this.recorder) await this.recorder.record(events, tx);
  }

  /** Right after a change that had no transaction: a failure is logged (the change stands; its deliveries are lost). */
  async recordAfter(events: readonly DomainEvent[]): Promise<void> {
    if (!this.recorder) return;
    try {
      await this.recorder.record(events);
    } catch (error) {
      this.log.error({ err: error, types: events.map((e) => e.type) }, 'could not record webhook deliveries after a change');
    }
  }
}
