import { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhooks: the apps' endpoints and their deliveries (src/webhooks/*.entity.ts). */
export class Webhooks1767000000000 implements MigrationInterface {
  name = 'Webhooks1767000000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "webhooks" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "url" varchar(2048) NOT NULL,
      "events" text NOT NULL, "secret" varchar(100) NOT NULL, "enabled" boolean NOT NULL DEFAULT (1), "created_at" datetime(3) NOT NULL,
      CONSTRAINT "fk_webhooks_app" FOREIGN KEY ("app_id") REFERENCES "apps" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await runner.query('CREATE INDEX "ix_webhooks_app" ON "webhooks" ("app_id")');
    await runner.query(`CREATE TABLE "webhook_deliveries" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "webhook_id" bigint NOT NULL,
      "event_type" varchar(40) NOT NULL, "payload" text NOT NULL, "status" varchar(10) NOT NULL, "attempts" integer NOT NULL DEFAULT (0),
      "next_attempt_at" bigint NOT NULL, "claimed_by" varchar(64), "claim_until" bigint, "last_status_code" integer, "last_error" varchar(500),
      "created_at" datetime(3) NOT NULL, "delivered_at" datetime(3),
      CONSTRAINT "fk_webhook_deliveries_webhook" FOREIGN KEY ("webhook_id") REFERENCES "webhooks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await runner.query('CREATE INDEX "ix_webhook_deliveries_app" ON "webhook_deliveries" ("app_id")');
    await runner.query('CREATE INDEX "ix_webhook_deliveries_claim" ON "webhook_deliveries" ("claimed_by")');
    await runner.query('CREATE INDEX "ix_webhook_deliveries_webhook" ON "webhook_deliveries" ("webhook_id", "id")');
    await runner.query('CREATE INDEX "ix_webhook_deliveries_due" ON "webhook_deliveries" ("status", "next_attempt_at")');
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "webhook_deliveries"');
    await runner.query('DROP TABLE "webhooks"');
  }
}
