import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn } from '../database/columns.js';

/** The most a response body excerpt keeps, in bytes of the answer (decoded as UTF-8). */
export const RESPONSE_EXCERPT_BYTES = 1024;

/**
 * One POST of a delivery, as the worker saw it (webhook-sender.ts writes them in bulk with the
 * delivery's outcome). Pruned: see WebhookAttemptsRepository.
 */
@Entity({ name: 'webhook_attempts' })
@Index('ix_webhook_attempts_delivery', ['appId', 'deliveryId', 'id'])
@Index('ix_webhook_attempts_started', ['startedAt'])
@ForeignKey('WebhookDeliveryEntity', ['appId', 'deliveryId'], ['appId', 'id'], { name: 'fk_webhook_attempts_delivery', onDelete: 'CASCADE' })
export class WebhookAttemptEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ name: 'delivery_id', type: 'bigint', transformer: idColumn })
  deliveryId: string;

  /** 1 for the first POST of a round; redeliver starts a new round at 1 (the delivery's `attempts` then). */
  @Column({ type: 'int' })
  number: number;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt: Date;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs: number;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ name: 'response_excerpt', type: 'varchar', length: RESPONSE_EXCERPT_BYTES, nullable: true })
  responseExcerpt: string | null;
}
