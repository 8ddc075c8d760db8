import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isIntegerId } from '../common/graphql/id.args.js';
import { Tx } from '../database/transaction.js';
import { AppEntity } from './app.entity.js';
import { AppSettings } from './app-settings.js';

// unscoped: apps are the tenants themselves; only the operator and credential checks reach this repository.
@Injectable()
export class AppsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(values: { name: string; secret: string }, tx: Tx): Promise<AppEntity> {
    const now = new Date();
    const row = tx.create(AppEntity, { ...values, settings: null, createdAt: now, updatedAt: now });
    return tx.save(AppEntity, row);
  }

  findById(id: string): Promise<AppEntity | null> {
    if (!isIntegerId(id)) return Promise.resolve(null);
    return this.db.manager.findOne(AppEntity, { where: { id } });
  }

  listPage(offset: number, limit: number): Promise<[AppEntity[], number]> {
    return this.db.manager.findAndCount(AppEntity, { order: { id: 'ASC' }, skip: offset, take: limit });
  }

  async updateSecret(id: string, secret: string, tx: Tx): Promise<void> {
    await tx.update(AppEntity, { id }, { secret, updatedAt: new Date() });
  }

  async updateSettings(id: string, settings: Partial<AppSettings>): Promise<void> {
    await this.db.manager.update(AppEntity, { id }, { settings, updatedAt: new Date() });
  }
}
