import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { idColumn } from '../database/columns.js';

/**
 * The app a development server made for talker accounts (TALKER_APP_ID unset): one row, id 1.
 * Its primary key is what lets two instances starting together agree on one app.
 */
@Entity({ name: 'talker_app' })
@ForeignKey('AppEntity', ['appId'], ['id'], { name: 'fk_talker_app_app', onDelete: 'CASCADE' })
export class TalkerAppEntity {
  @PrimaryColumn({ type: 'int' })
  id: number;

  @Column({ name: 'app_id', type: 'bigint', transformer: idColumn })
  appId: string;
}
