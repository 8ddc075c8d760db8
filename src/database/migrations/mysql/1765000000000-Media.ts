import { MigrationInterface, QueryRunner } from 'typeorm';

/** Media: the uploads table (src/media/media.entity.ts) and the files a message carries (messages.attachments, JSON). */
export class Media1765000000000 implements MigrationInterface {
  name = 'Media1765000000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE \`media\` (\`id\` bigint NOT NULL AUTO_INCREMENT, \`app_id\` bigint NOT NULL, \`uploader_id\` bigint NULL,
      \`by_app\` tinyint NOT NULL DEFAULT 0, \`storage_key\` varchar(100) NOT NULL, \`thumb_key\` varchar(100) NULL, \`thumb_type\` varchar(100) NULL,
      \`thumb_size\` int NULL, \`name\` varchar(255) NOT NULL, \`content_type\` varchar(100) NOT NULL, \`size\` bigint NOT NULL, \`width\` int NULL,
      \`height\` int NULL, \`claim\` varchar(36) NULL, \`claimed_at\` datetime(3) NULL, \`message_id\` bigint NULL, \`room_id\` bigint NULL, \`created_at\` datetime(3) NOT NULL,
      \`attached_at\` datetime(3) NULL, INDEX \`ix_media_claim\` (\`claim\`), INDEX \`ix_media_room\` (\`room_id\`),
      INDEX \`ix_media_uploader\` (\`uploader_id\`), INDEX \`ix_media_sweep\` (\`attached_at\`, \`created_at\`),
      INDEX \`ix_media_message\` (\`app_id\`, \`message_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await runner.query('ALTER TABLE `messages` ADD `attachments` text NULL');
    // The two-column keys prove the app; the one-column keys beside them null the column when the room or user goes (media.entity.ts).
    await runner.query('ALTER TABLE `media` ADD CONSTRAINT `fk_media_room` FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION');
    await runner.query('ALTER TABLE `media` ADD CONSTRAINT `fk_media_room_app` FOREIGN KEY (`app_id`, `room_id`) REFERENCES `rooms`(`app_id`,`id`) ON DELETE NO ACTION ON UPDATE NO ACTION');
    await runner.query('ALTER TABLE `media` ADD CONSTRAINT `fk_media_uploader` FOREIGN KEY (`uploader_id`) REFERENCES `users`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION');
    await runner.query('ALTER TABLE `media` ADD CONSTRAINT `fk_media_uploader_app` FOREIGN KEY (`app_id`, `uploader_id`) REFERENCES `users`(`app_id`,`id`) ON DELETE NO ACTION ON UPDATE NO ACTION');
    await runner.query('ALTER TABLE `media` ADD CONSTRAINT `fk_media_app` FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION');
  }

  public async down(runner: QueryRunner): Promise<void> {
    for (const key of ['fk_media_app', 'fk_media_uploader_app', 'fk_media_uploader', 'fk_media_room_app', 'fk_media_room']) {
      await runner.query(`ALTER TABLE \`media\` DROP FOREIGN KEY \`${key}\``);
    }
    await runner.query('ALTER TABLE `messages` DROP COLUMN `attachments`');
    await runner.query('DROP TABLE `media`');
  }
}
