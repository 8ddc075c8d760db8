import type { Message } from '../messages/message.model.js';
import type { MembershipEvent } from '../rooms/membership-event.model.js';
import type { Report } from '../moderation/report.model.js';
import type { Room } from '../rooms/room.model.js';
import type { User } from '../users/user.model.js';

/**
 * The closed list of what happens, with the tenant on every event. Services publish these after
 * commit; the GraphQL bridge and the legacy bridge turn them into wire messages. Events carry
 * already-mapped views, so bridges only reshape them. One member per type (so EventOf<T> names
 * each one); every type has its entry in the event table (src/events/event-table.ts): the codec
 * that carries it across instances and what it feeds. A type without an entry does not compile.
 */
export type DomainEvent =
  | { type: 'message.created'; appId: string; roomId: string; message: Message }
  | { type: 'message.updated'; appId: string; roomId: string; message: Message }
  | { type: 'message.deleted'; appId: string; roomId: string; message: Message }
  | { type: 'membership.changed'; appId: string; roomId: string; change: MembershipEvent }
  /** `changed` names the fields the update set (frozen, name, meta…). */
  | { type: 'room.updated'; appId: string; roomId: string; room: Room; changed: readonly string[] }
  | { type: 'room.deleted'; appId: string; roomId: string; room: Room }
  | { type: 'room.created'; appId: string; roomId: string; room: Room }
  | { type: 'typing'; appId: string; roomId: string; user: User; isTyping: boolean }
  | { type: 'receipt'; appId: string; roomId: string; user: User; messageId: string; kind: 'READ' | 'DELIVERED'; at: Date }
  /** A user's first connection (online) or last disconnection (offline); roomId is the app's lobby. */
  | { type: 'presence.changed'; appId: string; roomId: string; user: User; online: boolean }
  /** A user blocked or unblocked another (caches of every instance follow it); no room. */
  | { type: 'block.changed'; appId: string; roomId: null; blockerId: string; blockedId: string; blocked: boolean }
  /** Users' rows changed (role, meta, revoked tokens, deleted): every instance drops what it cached of them; no room. */
  | { type: 'user.changed'; appId: string; roomId: null; userIds: readonly string[] }
  /** A user was created (user.changed is not published: no instance cached them). */
  | { type: 'user.created'; appId: string; roomId: null; user: User }
  /** Users were deleted (published after their user.changed). */
  | { type: 'user.deleted'; appId: string; roomId: null; userIds: readonly string[] }
  /**
   * An app's secret or settings changed: every instance drops what it cached of the app; no room.
   * `secretRotated`: every token of the app was revoked too (open sockets re-check their credentials).
   */
  | { type: 'app.changed'; appId: string; roomId: null; secretRotated: boolean }
  /** A report was filed; roomId is the room it concerns, if any. */
  | { type: 'report.created'; appId: string; roomId: string | null; report: Report };

export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
