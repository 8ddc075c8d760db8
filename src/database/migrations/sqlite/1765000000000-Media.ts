import { MigrationInterface, QueryRunner } from 'typeorm';

const INDICES = [
  'CREATE INDEX "ix_media_claim" ON "media" ("claim")',
  'CREATE INDEX "ix_media_room" ON "media" ("room_id")',
  'CREATE INDEX "ix_media_uploader" ON "media" ("uploader_id")',
  'CREATE INDEX "ix_media_sweep" ON "media" ("attached_at", "created_at")',
  'CREATE INDEX "ix_media_message" ON "media" ("app_id", "message_id")',
];

/**
 * Media: the uploads table (src/media/media.entity.ts) and the files a message carries
 * (messages.attachments, JSON). Each two-column key is written before the one-column key on the
 * same column: TypeORM names the keys it reads back from this text by the first constraint whose
 * columns fit (as in TenantKeys).
 */
export class Media1765000000000 implements MigrationInterface {
  name = 'Media1765000000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "messages" ADD COLUMN "attachments" text');
    await runner.query(`CREATE TABLE "media" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL,
      "uploader_id" bigint, "by_app" boolean NOT NULL DEFAULT (0), "storage_key" varchar(100) NOT NULL, "thumb_key" varchar(100),
      "thumb_type" varchar(100), "thumb_size" integer, "name" varchar(255) NOT NULL, "content_type" varchar(100) NOT NULL,
      "size" bigint NOT NULL, "width" integer, "height" integer, "claim" varchar(36), "claimed_at" datetime(3), "message_id" bigint, "room_id" bigint,
      "created_at" datetime(3) NOT NULL, "attached_at" datetime(3),
      CONSTRAINT "fk_media_app" FOREIGN KEY ("app_id") REFERENCES "apps" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      CONSTRAINT "fk_media_uploader_app" FOREIGN KEY ("app_id", "uploader_id") REFERENCES "users" ("app_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION,
      CONSTRAINT "fk_media_uploader" FOREIGN KEY ("uploader_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION,
      CONSTRAINT "fk_media_room_app" FOREIGN KEY ("app_id", "room_id") REFERENCES "rooms" ("app_id", "id") ON DELETE NO ACTION ON UPDATE NO ACTION,
      CONSTRAINT "fk_media_room" FOREIGN KEY ("room_id") REFERENCES "rooms" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`);
    for (const index of INDICES) await runner.query(index);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "media"');
    await runner.query('ALTER TABLE "messages" DROP COLUMN "attachments"');
  }
}
