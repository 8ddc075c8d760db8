import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { IdColumn, idColumn, jsonColumn } from '../database/columns.js';

/** An app's webhook endpoint: where to POST, which events, and the secret that signs them. */
@Entity({ name: 'webhooks' })
@Index('ix_webhooks_app', ['appId'])
@ForeignKey('AppEntity', ['appId'], ['id'], { name: 'fk_webhooks_app', onDelete: 'CASCADE' })
export class WebhookEntity {
  @IdColumn()
  id: string;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** The webhook event types it wants (JSON list). */
  @Column({ type: 'text', transformer: jsonColumn })
  events: string[];

  /** Signs its deliveries (`whsec_…`), so it is kept, not hashed, as apps.secret is. */
  @Column({ type: 'varchar', length: 100 })
  secret: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
