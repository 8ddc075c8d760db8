import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logging.module.js';
import type { DomainEvent } from './domain-events.js';
import { EventBus, EventListener } from './event-bus.js';

/**
 * The in-process bus: listeners run synchronously, in publish order, so a room's events reach
 * every local subscriber in the order they were published. A failing listener is logged and
 * does not stop the others.
 */
@Injectable()
export class LocalEventBus extends EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(@Inject(LOGGER) private readonly log: Logger) {
    super();
  }

  async publish(event: DomainEvent): Promise<void> {
    this.deliver(event);
  }

  /** Hands an event to this instance's listeners (also used by the Redis bus for remote events). */
  deliver(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: error, event: event.type }, 'event listener failed');
      }
    }
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
