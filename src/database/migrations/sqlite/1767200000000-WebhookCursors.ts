import { MigrationInterface, QueryRunner } from 'typeorm';

/** webhook_cursors: how far the message.created materialiser read the messages; it starts after the messages stored so far. */
export class WebhookCursors1767200000000 implements MigrationInterface {
  name = 'WebhookCursors1767200000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "webhook_cursors" ("name" varchar(40) PRIMARY KEY NOT NULL, "last_id" bigint NOT NULL, "gaps" text NOT NULL,
      "version" bigint NOT NULL)`);
    await runner.query(`INSERT INTO "webhook_cursors" ("name", "last_id", "gaps", "version") SELECT 'message.created', COALESCE(MAX("id"), 0), '[]', 0 FROM "messages"`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "webhook_cursors"');
  }
}
