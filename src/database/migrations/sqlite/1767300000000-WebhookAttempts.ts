import { MigrationInterface, QueryRunner } from 'typeorm';

/** The attempt log: one row per POST of a delivery (src/webhooks/webhook-attempt.entity.ts), named with its app like every child row. */
export class WebhookAttempts1767300000000 implements MigrationInterface {
  name = 'WebhookAttempts1767300000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE UNIQUE INDEX "uq_webhook_deliveries_app_id" ON "webhook_deliveries" ("app_id", "id")');
    await runner.query(`CREATE TABLE "webhook_attempts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "delivery_id" bigint NOT NULL,
      "number" integer NOT NULL, "started_at" datetime(3) NOT NULL, "duration_ms" integer NOT NULL, "status_code" integer, "error" varchar(500),
      "response_excerpt" varchar(1024),
      CONSTRAINT "fk_webhook_attempts_delivery" FOREIGN KEY ("app_id", "delivery_id") REFERENCES "webhook_deliveries" ("app_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await runner.query('CREATE INDEX "ix_webhook_attempts_delivery" ON "webhook_attempts" ("app_id", "delivery_id", "id")');
    await runner.query('CREATE INDEX "ix_webhook_attempts_started" ON "webhook_attempts" ("started_at")');
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "webhook_attempts"');
    await runner.query('DROP INDEX "uq_webhook_deliveries_app_id"');
  }
}
