import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transaction.js';
import { WebhookCursorEntity } from './webhook-cursor.entity.js';

/** A cursor as read: the last id read, the ids skipped as not visible yet (each with when to stop waiting for it), its version. */
export interface Cursor {
  lastId: string;
  gaps: [id: string, untilMs: number][];
  version: string;
}

/** The materialisers' cursors (not an app's rows: one per table read, for every app). */
@Injectable()
export class WebhookCursorsRepository {
  constructor(private readonly db: DataSource) {}

  async read(name: string): Promise<Cursor> {
    const row = await this.db.getRepository(WebhookCursorEntity).findOneBy({ name });
    if (!row) throw new Error(`webhook cursor ${name} is missing (migration 1767200000000)`);
    return { lastId: String(row.lastId), gaps: JSON.parse(row.gaps) as Cursor['gaps'], version: String(row.version) };
  }

  /**
   * Moves the cursor in `tx`, only if it still is at `from` (its version): true when it moved.
   * The UPDATE locks the row until `tx` ends, so of two instances advancing from the same
   * version, the second waits, then finds the version changed and moves nothing.
   */
  async advance(name: string, from: Cursor, to: Omit<Cursor, 'version'>, tx: Tx): Promise<boolean> {
    const result = await tx.createQueryBuilder().update(WebhookCursorEntity)
      .set({ lastId: to.lastId, gaps: JSON.stringify(to.gaps), version: String(BigInt(from.version) + 1n) })
      .where('name = :name AND version = :version', { name, version: from.version })
      .execute();
    return (result.affected ?? 0) === 1;
  }
}
