/** The events an app backend's webhook endpoints may subscribe to (README "Webhooks"). */
export const WEBHOOK_EVENT_TYPES = [
  'message.created', 'message.updated', 'message.deleted',
  'member.joined', 'member.left',
  'user.muted', 'user.unmuted', 'user.banned', 'user.unbanned',
  'room.created', 'room.updated', 'room.deleted', 'room.frozen',
  'report.created',
  'user.created', 'user.deleted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (type: string): type is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);

/** One webhook event a domain event causes: its type and its `data` (the body is `{type, timestamp, data}`). */
export interface WebhookEvent {
  readonly type: WebhookEventType;
  readonly data: Record<string, unknown>;
}
