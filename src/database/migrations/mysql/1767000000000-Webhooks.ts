import { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhooks: the apps' endpoints and their deliveries (src/webhooks/*.entity.ts). */
export class Webhooks1767000000000 implements MigrationInterface {
  name = 'Webhooks1767000000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE \`webhooks\` (\`id\` bigint NOT NULL AUTO_INCREMENT, \`app_id\` bigint NOT NULL, \`url\` varchar(2048) NOT NULL,
      \`events\` text NOT NULL, \`secret\` varchar(100) NOT NULL, \`enabled\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL,
      INDEX \`ix_webhooks_app\` (\`app_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await runner.query(`CREATE TABLE \`webhook_deliveries\` (\`id\` bigint NOT NULL AUTO_INCREMENT, \`app_id\` bigint NOT NULL, \`webhook_id\` bigint NOT NULL,
      \`event_type\` varchar(40) NOT NULL, \`payload\` text NOT NULL, \`status\` varchar(10) NOT NULL, \`attempts\` int NOT NULL DEFAULT '0',
      \`next_attempt_at\` bigint NOT NULL, \`claimed_by\` varchar(64) NULL, \`claim_until\` bigint NULL, \`last_status_code\` int NULL,
      \`last_error\` varchar(500) NULL, \`created_at\` datetime(3) NOT NULL, \`delivered_at\` datetime(3) NULL,
      INDEX \`ix_webhook_deliveries_app\` (\`app_id\`), INDEX \`ix_webhook_deliveries_claim\` (\`claimed_by\`), INDEX \`ix_webhook_deliveries_webhook\` (\`webhook_id\`, \`id\`),
      INDEX \`ix_webhook_deliveries_due\` (\`status\`, \`next_attempt_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await runner.query('ALTER TABLE `webhook_deliveries` ADD CONSTRAINT `fk_webhook_deliveries_webhook` FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION');
    await runner.query('ALTER TABLE `webhooks` ADD CONSTRAINT `fk_webhooks_app` FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION');
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE `webhook_deliveries`');
    await runner.query('DROP TABLE `webhooks`');
  }
}
