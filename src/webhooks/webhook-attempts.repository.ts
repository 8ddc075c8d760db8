import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../database/transaction.js';
import { AppScope } from '../database/app-scope.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { WebhookAttemptEntity } from './webhook-attempt.entity.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';

/** One POST as the worker saw it, to be logged. */
export type NewAttempt = Omit<WebhookAttemptEntity, 'id'>;

/** A delivery keeps this many attempts when it is sent again (the newest). */
export const ATTEMPTS_PER_DELIVERY = 50;

/** Rows deleted per statement when pruning by age. */
const PRUNE_BATCH = 5_000;

/**
 * The attempt log. Kept small two ways: rows older than the retention (7 days, see
 * WebhookAttemptPruner) go, and a delivery keeps its newest ATTEMPTS_PER_DELIVERY when it is sent
 * again (one round adds at most the retry count + 1).
 */
@Injectable()
export class WebhookAttemptsRepository extends ScopedRepository<WebhookAttemptEntity> {
  constructor(db: DataSource) {
    super(db, WebhookAttemptEntity, 'attempt');
  }

  /**
   * unscoped: the worker logs every app's attempts, each row with its delivery's app. One multi-row
   * INSERT, in the caller's transaction when given. The deliveries deleted meanwhile (their endpoint
   * with them) are left out first: the INSERT would fail on their foreign key, and a failed
   * statement would spoil the transaction on some drivers.
   */
  async insertMany(rows: readonly NewAttempt[], tx?: Tx): Promise<void> {
    if (rows.length === 0) return;
    const em = this.manager(tx);
    const ids = [...new Set(rows.map((row) => row.deliveryId))];
    const existing = await em.createQueryBuilder(WebhookDeliveryEntity, 'delivery').select('delivery.id', 'id')
      .where('delivery.id IN (:...ids)', { ids }).getRawMany<{ id: unknown }>();
    const still = new Set(existing.map((row) => String(row.id)));
    const kept = rows.filter((row) => still.has(row.deliveryId));
    if (kept.length === 0) return;
    await em.createQueryBuilder().insert().into(WebhookAttemptEntity).values(kept.map((row) => ({ ...row }))).updateEntity(false).execute();
  }

  /** The attempts of each delivery named, oldest first (deliveries without any are left out). */
  async listForDeliveries(scope: AppScope, deliveryIds: readonly string[]): Promise<Map<string, WebhookAttemptEntity[]>> {
    const byDelivery = new Map<string, WebhookAttemptEntity[]>();
    if (deliveryIds.length === 0) return byDelivery;
    const rows = await this.select(scope).andWhere('attempt.deliveryId IN (:...ids)', { ids: [...deliveryIds] }).orderBy('attempt.id', 'ASC').getMany();
    for (const row of rows) byDelivery.set(row.deliveryId, [...(byDelivery.get(row.deliveryId) ?? []), row]);
    return byDelivery;
  }

  /** Drops all but the delivery's newest `keep` attempts. */
  async keepNewest(scope: AppScope, deliveryId: string, keep: number): Promise<void> {
    const oldestKept = await this.select(scope).select('attempt.id', 'id').andWhere('attempt.deliveryId = :deliveryId', { deliveryId })
      .orderBy('attempt.id', 'DESC').offset(keep - 1).limit(1).getRawOne<{ id: unknown }>();
    if (!oldestKept) return;
    await this.db.createQueryBuilder().delete().from(WebhookAttemptEntity)
      .where('app_id = :appId AND delivery_id = :deliveryId AND id < :id', { appId: scope.appId, deliveryId, id: String(oldestKept.id) }).execute();
  }

  /** unscoped: deletes every app's attempts started before `before`, a batch at a time; returns how many went. */
  async deleteStartedBefore(before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.db.createQueryBuilder(WebhookAttemptEntity, 'attempt').select('attempt.id', 'id')
        .where('attempt.startedAt < :before', { before }).orderBy('attempt.id', 'ASC').limit(PRUNE_BATCH).getRawMany<{ id: unknown }>();
      if (rows.length === 0) return total;
      await this.db.createQueryBuilder().delete().from(WebhookAttemptEntity).where('id IN (:...ids)', { ids: rows.map((row) => String(row.id)) }).execute();
      total += rows.length;
      if (rows.length < PRUNE_BATCH) return total;
    }
  }
}
