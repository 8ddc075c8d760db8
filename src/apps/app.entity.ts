import { Column, Entity } from 'typeorm';
import { IdColumn, jsonColumn } from '../database/columns.js';
import type { AppSettings } from './app-settings.js';

/** A tenant. Not scoped: it is the scope. */
@Entity({ name: 'apps' })
export class AppEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** Signs the app's user tokens (HS256), so it is kept, not hashed. */
  @Column({ type: 'varchar', length: 128 })
  secret: string;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  settings: Partial<AppSettings> | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
