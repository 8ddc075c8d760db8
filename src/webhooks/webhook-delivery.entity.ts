import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn, MediumTextColumn } from '../database/columns.js';

export type DeliveryStatusValue = 'PENDING' | 'DELIVERED' | 'FAILED';

/**
 * One event for one endpoint: recorded with the change that caused it, sent by the worker
 * (webhook-sender.ts). Times the worker compares (next_attempt_at, claim_until) are epoch
 * milliseconds, so both drivers compare plain numbers.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('ix_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('ix_webhook_deliveries_webhook', ['webhookId', 'id'])
@Index('ix_webhook_deliveries_app', ['appId'])
/** Its attempts (webhook_attempts) name it with its app. */
@Index('uq_webhook_deliveries_app_id', ['appId', 'id'], { unique: true })
@Index('ix_webhook_deliveries_claim', ['claimedBy'])
@ForeignKey('WebhookEntity', ['webhookId'], ['id'], { name: 'fk_webhook_deliveries_webhook', onDelete: 'CASCADE' })
export class WebhookDeliveryEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'webhook_id', type: 'bigint', transformer: idColumn })
  webhookId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 40 })
  eventType: string;

  /** The body sent, `{type, timestamp, data}` as JSON text, fixed at record time (the same bytes on every attempt); MEDIUMTEXT on MySQL, as a message with large meta and attachments may pass TEXT's 64 KB. */
  @MediumTextColumn()
  payload: string;

  @Column({ type: 'varchar', length: 10 })
  status: DeliveryStatusValue;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'bigint' })
  nextAttemptAt: string;

  /** The worker holding it (an instance and its claim round) until claim_until; null when free. */
  @Column({ name: 'claimed_by', type: 'varchar', length: 64, nullable: true })
  claimedBy: string | null;

  @Column({ name: 'claim_until', type: 'bigint', nullable: true })
  claimUntil: string | null;

  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'datetime', precision: 3, nullable: true })
  deliveredAt: Date | null;
}
