import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { RawSql } from '../database/raw-sql.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { TenantInsert } from '../database/tenant-sql.js';
import { Tx } from '../database/transaction.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';

export interface NewDelivery {
  scope: AppScope;
  webhookId: string;
  eventType: string;
  payload: string;
}

/** A claimed delivery with what sending it needs: its endpoint's URL and secret. */
export interface ClaimedDelivery {
  id: string;
  appId: string;
  webhookId: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
}

/**
 * The outcome of one attempt, as the worker records it (in bulk, see finishMany). A retry's time
 * is a delay, fixed when the outcome is written, so failures alike share one statement.
 */
export type AttemptOutcome =
  | { status: 'DELIVERED'; statusCode: number }
  | { status: 'PENDING' | 'FAILED'; retryInMs: number; statusCode: number | null; error: string };

/** An attempt finished under a claim. */
export interface FinishedAttempt {
  id: string;
  claim: string;
  outcome: AttemptOutcome;
}

const INSERT = new TenantInsert('webhook_deliveries', ['webhook_id', 'event_type', 'payload', 'status', 'attempts', 'next_attempt_at', 'created_at']);

const INSERT_CHUNK = 1000;

const DUE = `d.status = 'PENDING' AND d.next_attempt_at <= ? AND (d.claim_until IS NULL OR d.claim_until < ?)`;

@Injectable()
export class WebhookDeliveriesRepository extends ScopedRepository<WebhookDeliveryEntity> {
  constructor(db: DataSource, private readonly raw: RawSql) {
    super(db, WebhookDeliveryEntity, 'delivery');
  }

  /**
   * Records deliveries due now, in the caller's transaction when given (the change that caused
   * them): multi-row INSERTs written without the query builder, as the messages' own (the
   * materialiser writes a round's in one go).
   */
  async insertMany(rows: readonly NewDelivery[], tx?: Tx): Promise<void> {
    if (rows.length === 0) return;
    const now = new Date();
    const due = String(now.getTime());
    // In statements of INSERT_CHUNK rows: a materialiser round may hold thousands, past the drivers' limits on parameters.
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const chunk = rows.slice(start, start + INSERT_CHUNK);
      const params: unknown[] = [];
      for (const { scope, webhookId, eventType, payload } of chunk) INSERT.row(params, scope).push(webhookId, eventType, payload, 'PENDING', 0, due, now);
      await this.raw.insert(INSERT.sql(chunk.length, params), params, chunk.length, tx);
    }
  }

  /** A webhook's deliveries, newest first. */
  listForWebhook(scope: AppScope, webhookId: string, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.select(scope).andWhere('delivery.webhookId = :webhookId', { webhookId }).orderBy('delivery.id', 'DESC').take(limit).getMany();
  }

  findById(scope: AppScope, id: string): Promise<WebhookDeliveryEntity | null> {
    return this.select(scope).andWhere('delivery.id = :id', { id }).getOne();
  }

  /** Due again now with a fresh round of retries, whatever its state; a send under way no longer counts (its claim is dropped). */
  async requeue(scope: AppScope, id: string): Promise<void> {
    await this.update(scope, { id }, {
      status: 'PENDING', attempts: 0, nextAttemptAt: String(Date.now()), claimedBy: null, claimUntil: null, deliveredAt: null,
    });
  }

  /**
   * unscoped: the worker sends every app's deliveries. Claims up to `limit` due deliveries for
   * `claim` (unique to this call) until `until`, then reads them back. Two statements: the due ids,
   * read in order from the (status, next_attempt_at) index, then an UPDATE of those ids by primary
   * key that re-checks each row is still due and unclaimed as it locks it, so when instances claim
   * at once, each row goes to one of them (InnoDB re-reads a locked row before updating it; SQLite
   * has one writer). One statement with the ids in a subquery made MariaDB scan the whole table on
   * every claim (every delivery ever made, DELIVERED ones too).
   */
  async claimDue(claim: string, now: number, until: number, limit: number): Promise<ClaimedDelivery[]> {
    const due: { id: unknown }[] = await this.db.query(
      `SELECT d.id AS id FROM webhook_deliveries d WHERE ${DUE} ORDER BY d.next_attempt_at LIMIT ?`,
      [now, now, limit],
    );
    if (due.length === 0) return [];
    const ids = due.map((row) => String(row.id));
    await this.db.query(
      `UPDATE webhook_deliveries SET claimed_by = ?, claim_until = ?
       WHERE id IN (${ids.map(() => '?').join(', ')}) AND status = 'PENDING' AND next_attempt_at <= ? AND (claim_until IS NULL OR claim_until < ?)`,
      [claim, until, ...ids, now, now],
    );
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT d.id AS id, d.app_id AS app_id, d.webhook_id AS webhook_id, d.payload AS payload, d.attempts AS attempts, w.url AS url, w.secret AS secret
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.app_id = d.app_id
       WHERE d.claimed_by = ?`,
      [claim],
    );
    return rows.map((row) => ({
      id: String(row.id), appId: String(row.app_id), webhookId: String(row.webhook_id), payload: String(row.payload),
      attempts: Number(row.attempts), url: String(row.url), secret: String(row.secret),
    }));
  }

  /**
   * unscoped: the worker's claim names each row. Records attempts, each only if its claim still
   * holds (a redeliver meanwhile drops it): one UPDATE per group of like outcomes (same claim,
   * status, code, error, delay), so a batch of deliveries costs one statement, not one each. In the
   * caller's transaction when given (the worker writes the attempt log's lines in the same one).
   */
  async finishMany(attempts: readonly FinishedAttempt[], tx?: Tx): Promise<void> {
    const groups = new Map<string, { claim: string; outcome: AttemptOutcome; ids: string[] }>();
    for (const { id, claim, outcome } of attempts) {
      const key = JSON.stringify([claim, outcome]);
      const group = groups.get(key) ?? { claim, outcome, ids: [] };
      group.ids.push(id);
      groups.set(key, group);
    }
    const now = Date.now();
    // Rows in id order, the order every statement locks them in, so two of these never deadlock each other.
    for (const { claim, outcome, ids } of groups.values()) {
      ids.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
      const delivered = outcome.status === 'DELIVERED';
      await this.manager(tx).createQueryBuilder().update(WebhookDeliveryEntity)
        .set({
          status: outcome.status, attempts: () => 'attempts + 1', claimedBy: null, claimUntil: null, lastStatusCode: outcome.statusCode,
          nextAttemptAt: String(delivered ? now : now + outcome.retryInMs), lastError: delivered ? null : outcome.error,
          deliveredAt: delivered ? new Date(now) : null,
        })
        .where('claimed_by = :claim AND id IN (:...ids)', { claim, ids })
        .execute();
    }
  }

  /** unscoped: gives claims back untried (a shutdown abandoned their POSTs, or they waited too long to be sent). */
  async release(ids: readonly string[], claim: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.createQueryBuilder().update(WebhookDeliveryEntity).set({ claimedBy: null, claimUntil: null })
      .where('claimed_by = :claim AND id IN (:...ids)', { claim, ids: [...ids] }).execute();
  }

  /** unscoped: when the next delivery is due (epoch ms), or null when none is pending; the worker sleeps until then. */
  async nextDue(): Promise<number | null> {
    const rows: { at: unknown }[] = await this.db.query(`SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'PENDING'`);
    const at = rows[0]?.at;
    return at === null || at === undefined ? null : Number(at);
  }
}
