import type { Json } from './codec.js';
import type { DomainEvent } from './domain-events.js';

/**
 * How a domain event crosses instances as plain JSON. Declared here, where the Redis bus uses it;
 * implemented from the event table (src/events/event-table.ts), which knows every event's fields
 * and the feature views they carry, and handed to the bus by RealtimeModule.forRoot({ codec }):
 * realtime, a leaf, imports no feature.
 */
export abstract class EventCodec {
  /** Plain JSON (JSON.stringify gives it back unchanged through JSON.parse); throws on a value it cannot write (an invalid Date). */
  abstract encode(event: DomainEvent): Json;
  /** The event again, exactly as it was published; throws CodecError (with the path of the offending field) when the input is not one. */
  abstract decode(input: unknown): DomainEvent;
}
