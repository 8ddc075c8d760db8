import { MigrationInterface, QueryRunner } from 'typeorm';

/** webhook_deliveries.payload: MEDIUMTEXT, as TEXT stops at 64 KB and a large message's delivery would fail its send. */
export class WebhookPayloadMediumText1767100000000 implements MigrationInterface {
  name = 'WebhookPayloadMediumText1767100000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE `webhook_deliveries` MODIFY `payload` mediumtext NOT NULL');
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE `webhook_deliveries` MODIFY `payload` text NOT NULL');
  }
}
