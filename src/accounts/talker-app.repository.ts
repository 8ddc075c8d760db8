import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/db-errors.js';
import { Tx } from '../database/transaction.js';
import { TalkerAppEntity } from './talker-app.entity.js';

const ROW_ID = 1;

/** unscoped: the one row naming which app talker accounts live in, read before any app is known. */
@Injectable()
export class TalkerAppRepository {
  constructor(private readonly db: DataSource) {}

  async find(): Promise<string | null> {
    const row = await this.db.manager.findOne(TalkerAppEntity, { where: { id: ROW_ID } });
    return row?.appId ?? null;
  }

  /** Records the app; false when another instance recorded one first (the transaction must then be rolled back). */
  async insertOnce(appId: string, tx: Tx): Promise<boolean> {
    try {
      await tx.insert(TalkerAppEntity, { id: ROW_ID, appId });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
