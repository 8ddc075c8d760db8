import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MediumTextColumn } from '../database/columns.js';

/**
 * How far a materialiser read a table (webhook-materialiser.ts): every id up to last_id was
 * turned into deliveries, except the gaps (ids not visible yet, re-checked until their time is
 * up; JSON `[[id, untilEpochMs], …]`). version grows with every advance: an advance applies only
 * over the version it read, so one instance wins.
 */
@Entity({ name: 'webhook_cursors' })
export class WebhookCursorEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  name: string;

  @Column({ name: 'last_id', type: 'bigint' })
  lastId: string;

  @MediumTextColumn()
  gaps: string;

  @Column({ type: 'bigint' })
  version: string;
}
