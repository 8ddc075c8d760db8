import { DataSource } from 'typeorm';
import { AppScope } from '../../src/database/app-scope.js';
import { NewAttempt, WebhookAttemptsRepository } from '../../src/webhooks/webhook-attempts.repository.js';
import { RawSql } from '../../src/database/raw-sql.js';
import { Tx, UnitOfWork } from '../../src/database/transaction.js';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { WebhookDeliveriesRepository } from '../../src/webhooks/webhook-deliveries.repository.js';
import { WebhookDeliveryEntity } from '../../src/webhooks/webhook-delivery.entity.js';
import { WebhookEntity } from '../../src/webhooks/webhook.entity.js';
import { migratedDatabase } from '../support/database.js';
import { testDrivers } from '../support/drivers.js';
import { twoApps } from '../support/tenants.js';

describe.each(testDrivers())('WebhookAttemptsRepository on %s', (driver) => {
  let db: DataSource;
  let close: () => Promise<void>;
  let attempts: WebhookAttemptsRepository;
  let seed: Awaited<ReturnType<typeof twoApps>>;

  beforeAll(async () => {
    ({ db, close } = await migratedDatabase(driver));
    attempts = new WebhookAttemptsRepository(db);
    seed = await twoApps(db);
  }, 60_000);
  afterAll(() => close());

  async function delivery(scope: AppScope): Promise<string> {
    const hook = await db.getRepository(WebhookEntity).save({ appId: scope.appId, url: 'http://127.0.0.1:9/x', events: ['message.created'], secret: 'whsec_x', enabled: true, createdAt: new Date() });
    const row = await db.getRepository(WebhookDeliveryEntity).save({
      appId: scope.appId, webhookId: hook.id, eventType: 'message.created', payload: '{}', status: 'PENDING', attempts: 0, nextAttemptAt: '0', createdAt: new Date(),
    });
    return row.id;
  }

  const attempt = (scope: AppScope, deliveryId: string, number: number, startedAt = new Date()): NewAttempt => ({
    appId: scope.appId, deliveryId, number, startedAt, durationMs: 5, statusCode: 500, error: 'HTTP 500', responseExcerpt: 'é'.repeat(1024),
  });

  it("keeps apps apart: app B reads none of app A's attempts, and an attempt naming another app's delivery is refused", async () => {
    const { a, b } = seed;
    const id = await delivery(a.scope);
    await attempts.insertMany([attempt(a.scope, id, 1)]);
    expect((await attempts.listForDeliveries(a.scope, [id])).get(id)).toMatchObject([{ number: 1, responseExcerpt: 'é'.repeat(1024) }]);
    expect((await attempts.listForDeliveries(b.scope, [id])).size).toBe(0);
    await expect(attempts.insertMany([attempt(b.scope, id, 2)])).rejects.toThrow();
  });

  it('writes the others when a delivery is gone, keeps the newest N, and prunes by age', async () => {
    const { a } = seed;
    const kept = await delivery(a.scope);
    const gone = await delivery(a.scope);
    await db.getRepository(WebhookDeliveryEntity).delete({ id: gone });
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    await attempts.insertMany([attempt(a.scope, kept, 1, old), attempt(a.scope, gone, 1), attempt(a.scope, kept, 2), attempt(a.scope, kept, 3)]);
    expect((await attempts.listForDeliveries(a.scope, [kept, gone])).get(kept)!.map((x) => x.number)).toEqual([1, 2, 3]);
    await attempts.keepNewest(a.scope, kept, 2);
    expect((await attempts.listForDeliveries(a.scope, [kept])).get(kept)!.map((x) => x.number)).toEqual([2, 3]);
    await attempts.insertMany([attempt(a.scope, kept, 4, old)]);
    await expect(attempts.deleteStartedBefore(new Date(Date.now() - 7 * 24 * 3600 * 1000))).resolves.toBe(1);
    expect((await attempts.listForDeliveries(a.scope, [kept])).get(kept)!.map((x) => x.number)).toEqual([2, 3]);
  });
  it("writes a delivery's outcome and its log line in the caller's transaction: both or neither", async () => {
    const { a } = seed;
    const id = await delivery(a.scope);
    await db.getRepository(WebhookDeliveryEntity).update({ id }, { claimedBy: 'me', claimUntil: String(Date.now() + 60_000) });
    const deliveries = new WebhookDeliveriesRepository(db, new RawSql(db, new MetricsService()));
    const finish = async (tx: Tx) => {
      await deliveries.finishMany([{ id, claim: 'me', outcome: { status: 'DELIVERED', statusCode: 204 } }], tx);
      await attempts.insertMany([{ ...attempt(a.scope, id, 1), statusCode: 204, error: null }], tx);
    };
    await expect(new UnitOfWork(db).run(async (tx) => { await finish(tx); throw new Error('the connection broke'); })).rejects.toThrow('the connection broke');
    expect(await db.getRepository(WebhookDeliveryEntity).findOneByOrFail({ id })).toMatchObject({ status: 'PENDING', attempts: 0, claimedBy: 'me' });
    expect((await attempts.listForDeliveries(a.scope, [id])).size).toBe(0);
    await new UnitOfWork(db).run(finish);
    expect(await db.getRepository(WebhookDeliveryEntity).findOneByOrFail({ id })).toMatchObject({ status: 'DELIVERED', attempts: 1, claimedBy: null });
    expect((await attempts.listForDeliveries(a.scope, [id])).get(id)!.map((x) => x.statusCode)).toEqual([204]);
  });
});
