import type { DomainEvent } from './domain-events.js';

export type EventListener = (event: DomainEvent) => void;

/** One bus for the whole system: services publish, the two transport bridges listen. */
export abstract class EventBus {
  /** After commit. Delivered once to the listeners of every instance. */
  abstract publish(event: DomainEvent): Promise<void>;
  /** Local listeners on this instance; returns an unsubscribe function. */
  abstract onEvent(listener: EventListener): () => void;
}
