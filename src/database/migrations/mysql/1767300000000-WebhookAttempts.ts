import { MigrationInterface, QueryRunner } from 'typeorm';

/** The attempt log: one row per POST of a delivery (src/webhooks/webhook-attempt.entity.ts), named with its app like every child row. */
export class WebhookAttempts1767300000000 implements MigrationInterface {
  name = 'WebhookAttempts1767300000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE UNIQUE INDEX `uq_webhook_deliveries_app_id` ON `webhook_deliveries` (`app_id`, `id`)');
    await runner.query(`CREATE TABLE \`webhook_attempts\` (\`id\` bigint NOT NULL AUTO_INCREMENT, \`app_id\` bigint NOT NULL, \`delivery_id\` bigint NOT NULL,
      \`number\` int NOT NULL, \`started_at\` datetime(3) NOT NULL, \`duration_ms\` int NOT NULL, \`status_code\` int NULL, \`error\` varchar(500) NULL,
      \`response_excerpt\` varchar(1024) NULL,
      INDEX \`ix_webhook_attempts_delivery\` (\`app_id\`, \`delivery_id\`, \`id\`), INDEX \`ix_webhook_attempts_started\` (\`started_at\`),
      PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await runner.query('ALTER TABLE `webhook_attempts` ADD CONSTRAINT `fk_webhook_attempts_delivery` FOREIGN KEY (`app_id`, `delivery_id`) '
      + 'REFERENCES `webhook_deliveries`(`app_id`, `id`) ON DELETE CASCADE ON UPDATE NO ACTION');
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE `webhook_attempts`');
    await runner.query('DROP INDEX `uq_webhook_deliveries_app_id` ON `webhook_deliveries`');
  }
}
