import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rooms no longer record their last message: the history index answers it, and sends stop writing the room row. */
export class RoomsWithoutLastMessage1764000000000 implements MigrationInterface {
  name = 'RoomsWithoutLastMessage1764000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `rooms` DROP COLUMN `last_message_id`');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `rooms` ADD `last_message_id` bigint NULL');
    await queryRunner.query('UPDATE `rooms` r SET `last_message_id` = (SELECT MAX(m.`id`) FROM `messages` m WHERE m.`room_id` = r.`id`)');
  }
}
