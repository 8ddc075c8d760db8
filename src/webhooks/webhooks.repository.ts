import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { WebhookEntity } from './webhook.entity.js';

export type NewWebhook = Pick<WebhookEntity, 'url' | 'events' | 'secret'>;
export type WebhookChanges = Partial<Pick<WebhookEntity, 'url' | 'events' | 'secret' | 'enabled'>>;

/** The apps' endpoints. */
@Injectable()
export class WebhooksRepository extends ScopedRepository<WebhookEntity> {
  constructor(db: DataSource) {
    super(db, WebhookEntity, 'webhook');
  }

  insert(scope: AppScope, values: NewWebhook): Promise<WebhookEntity> {
    const row = this.stamp<WebhookEntity>(scope, { ...values, enabled: true, createdAt: new Date() } as Omit<WebhookEntity, 'appId'>);
    return this.db.manager.save(WebhookEntity, this.db.manager.create(WebhookEntity, row));
  }

  /** Oldest first. */
  list(scope: AppScope): Promise<WebhookEntity[]> {
    return this.select(scope).orderBy('webhook.id', 'ASC').getMany();
  }

  listEnabled(scope: AppScope): Promise<WebhookEntity[]> {
    return this.select(scope).andWhere('webhook.enabled = :enabled', { enabled: true }).orderBy('webhook.id', 'ASC').getMany();
  }

  /** unscoped: the enabled endpoints of these apps (the materialiser's batch spans apps). */
  listEnabledOfApps(appIds: readonly string[]): Promise<WebhookEntity[]> {
    if (appIds.length === 0) return Promise.resolve([]);
    return this.db.getRepository(WebhookEntity).createQueryBuilder('webhook')
      .where('webhook.appId IN (:...appIds)', { appIds: [...appIds] }).andWhere('webhook.enabled = :enabled', { enabled: true })
      .orderBy('webhook.id', 'ASC').getMany();
  }

  findById(scope: AppScope, id: string): Promise<WebhookEntity | null> {
    return this.select(scope).andWhere('webhook.id = :id', { id }).getOne();
  }

  async change(scope: AppScope, id: string, changes: WebhookChanges): Promise<void> {
    await this.update(scope, { id }, changes);
  }

  /** Its deliveries go with it (ON DELETE CASCADE). */
  removeById(scope: AppScope, id: string): Promise<number> {
    return this.remove(scope, { id });
  }
}
