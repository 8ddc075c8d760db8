import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1763900000000 implements MigrationInterface {
    name = 'Initial1763900000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE \`apps\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`name\` varchar(100) NOT NULL,
                \`secret\` varchar(128) NOT NULL,
                \`settings\` text NULL,
                \`created_at\` datetime(3) NOT NULL,
                \`updated_at\` datetime(3) NOT NULL,
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`users\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`external_id\` varchar(191) NULL,
                \`uname\` varchar(32) NOT NULL,
                \`uname_key\` varchar(32) NOT NULL,
                \`display_name\` varchar(100) NULL,
                \`role\` varchar(8) NOT NULL DEFAULT 'MEMBER',
                \`is_bot\` tinyint NOT NULL DEFAULT 0,
                \`meta\` text NULL,
                \`tokens_valid_after\` datetime(3) NULL,
                \`created_at\` datetime(3) NOT NULL,
                \`updated_at\` datetime(3) NOT NULL,
                UNIQUE INDEX \`uq_users_app_external\` (\`app_id\`, \`external_id\`),
                UNIQUE INDEX \`uq_users_app_uname\` (\`app_id\`, \`uname_key\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`user_tokens\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`user_id\` bigint NOT NULL,
                \`jti\` varchar(36) NOT NULL,
                \`token_hash\` varchar(64) NOT NULL,
                \`expires_at\` datetime(3) NOT NULL,
                \`revoked_at\` datetime(3) NULL,
                \`created_at\` datetime(3) NOT NULL,
                UNIQUE INDEX \`uq_user_tokens_jti\` (\`jti\`),
                UNIQUE INDEX \`uq_user_tokens_hash\` (\`token_hash\`),
                INDEX \`ix_user_tokens_user\` (\`app_id\`, \`user_id\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`rooms\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`room_key\` varchar(191) NULL,
                \`name\` varchar(191) NULL,
                \`type\` varchar(8) NOT NULL,
                \`status\` varchar(32) NULL,
                \`frozen\` tinyint NOT NULL DEFAULT 0,
                \`meta\` text NULL,
                \`direct_key\` varchar(64) NULL,
                \`last_message_id\` bigint NULL,
                \`created_at\` datetime(3) NOT NULL,
                \`updated_at\` datetime(3) NOT NULL,
                INDEX \`ix_rooms_app_type\` (\`app_id\`, \`type\`),
                UNIQUE INDEX \`uq_rooms_app_direct\` (\`app_id\`, \`direct_key\`),
                UNIQUE INDEX \`uq_rooms_app_key\` (\`app_id\`, \`room_key\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`room_members\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`room_id\` bigint NOT NULL,
                \`user_id\` bigint NOT NULL,
                \`role\` varchar(8) NOT NULL DEFAULT 'MEMBER',
                \`joined_at\` datetime(3) NOT NULL,
                \`last_read_message_id\` bigint NULL,
                \`last_delivered_message_id\` bigint NULL,
                INDEX \`ix_room_members_user\` (\`app_id\`, \`user_id\`),
                UNIQUE INDEX \`uq_room_members_room_user\` (\`room_id\`, \`user_id\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`messages\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`room_id\` bigint NOT NULL,
                \`author_id\` bigint NULL,
                \`kind\` varchar(8) NOT NULL DEFAULT 'TEXT',
                \`text\` text NULL,
                \`meta\` text NULL,
                \`client_msg_id\` varchar(64) NULL,
                \`created_at\` datetime(3) NOT NULL,
                \`edited_at\` datetime(3) NULL,
                \`deleted_at\` datetime(3) NULL,
                UNIQUE INDEX \`uq_messages_client_msg\` (\`app_id\`, \`author_id\`, \`client_msg_id\`),
                INDEX \`ix_messages_room_id\` (\`room_id\`, \`id\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`room_mutes\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`room_id\` bigint NOT NULL,
                \`user_id\` bigint NOT NULL,
                \`muted_by\` bigint NULL,
                \`minutes\` int NOT NULL,
                \`reason\` varchar(500) NULL,
                \`starts_at\` datetime(3) NOT NULL,
                \`ends_at\` datetime(3) NOT NULL,
                INDEX \`ix_room_mutes_ends\` (\`ends_at\`),
                UNIQUE INDEX \`uq_room_mutes_room_user\` (\`room_id\`, \`user_id\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`room_bans\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`room_id\` bigint NOT NULL,
                \`user_id\` bigint NOT NULL,
                \`banned_by\` bigint NULL,
                \`reason\` varchar(500) NULL,
                \`starts_at\` datetime(3) NOT NULL,
                \`ends_at\` datetime(3) NULL,
                INDEX \`ix_room_bans_ends\` (\`ends_at\`),
                UNIQUE INDEX \`uq_room_bans_room_user\` (\`room_id\`, \`user_id\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`reports\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`room_id\` bigint NULL,
                \`reporter_id\` bigint NOT NULL,
                \`target_type\` varchar(8) NOT NULL,
                \`target_user_id\` bigint NULL,
                \`target_message_id\` bigint NULL,
                \`category\` varchar(16) NOT NULL,
                \`reason\` varchar(500) NULL,
                \`status\` varchar(16) NOT NULL DEFAULT 'OPEN',
                \`resolved_by\` bigint NULL,
                \`resolution\` varchar(255) NULL,
                \`created_at\` datetime(3) NOT NULL,
                \`resolved_at\` datetime(3) NULL,
                INDEX \`ix_reports_room_status\` (\`app_id\`, \`room_id\`, \`status\`, \`id\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`user_blocks\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`blocker_id\` bigint NOT NULL,
                \`blocked_id\` bigint NOT NULL,
                \`created_at\` datetime(3) NOT NULL,
                INDEX \`ix_user_blocks_blocked\` (\`app_id\`, \`blocked_id\`),
                UNIQUE INDEX \`uq_user_blocks_pair\` (\`blocker_id\`, \`blocked_id\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            CREATE TABLE \`audit_log\` (
                \`id\` bigint NOT NULL AUTO_INCREMENT,
                \`app_id\` bigint NOT NULL,
                \`room_id\` bigint NULL,
                \`actor_kind\` varchar(8) NOT NULL,
                \`actor_user_id\` bigint NULL,
                \`action\` varchar(32) NOT NULL,
                \`target_user_id\` bigint NULL,
                \`reason\` varchar(500) NULL,
                \`details\` text NULL,
                \`created_at\` datetime(3) NOT NULL,
                INDEX \`ix_audit_log_room\` (\`app_id\`, \`room_id\`, \`id\`),
                PRIMARY KEY (\`id\`)
            ) ENGINE = InnoDB
        `);
        await queryRunner.query(`
            ALTER TABLE \`users\`
            ADD CONSTRAINT \`FK_d09943c291663c7fc13686e5486\` FOREIGN KEY (\`app_id\`) REFERENCES \`apps\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`user_tokens\`
            ADD CONSTRAINT \`FK_9e144a67be49e5bba91195ef5de\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`rooms\`
            ADD CONSTRAINT \`FK_0916c85c4938ca0741839c393db\` FOREIGN KEY (\`app_id\`) REFERENCES \`apps\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_members\`
            ADD CONSTRAINT \`FK_e6cf45f179a524427ddf8bacd8e\` FOREIGN KEY (\`room_id\`) REFERENCES \`rooms\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_members\`
            ADD CONSTRAINT \`FK_b2d15baf5b46ed9659bd71fbb43\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`messages\`
            ADD CONSTRAINT \`FK_1dda4fc8dbeeff2ee71f0088ba0\` FOREIGN KEY (\`room_id\`) REFERENCES \`rooms\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`messages\`
            ADD CONSTRAINT \`FK_05535bc695e9f7ee104616459d3\` FOREIGN KEY (\`author_id\`) REFERENCES \`users\`(\`id\`) ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_mutes\`
            ADD CONSTRAINT \`FK_018268767009f6a3a06cd8b2073\` FOREIGN KEY (\`room_id\`) REFERENCES \`rooms\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_mutes\`
            ADD CONSTRAINT \`FK_0ff2bc6f43bf7ae9555d6047ef3\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_bans\`
            ADD CONSTRAINT \`FK_d275799aa383d52e09272df2ef6\` FOREIGN KEY (\`room_id\`) REFERENCES \`rooms\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_bans\`
            ADD CONSTRAINT \`FK_713c888b0b83f5800513c977a67\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`user_blocks\`
            ADD CONSTRAINT \`FK_dfcd8a81016d1de587fbd2d70bf\` FOREIGN KEY (\`blocker_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE \`user_blocks\`
            ADD CONSTRAINT \`FK_7a0806a54f0ad9ced3e247cacd1\` FOREIGN KEY (\`blocked_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE \`user_blocks\` DROP FOREIGN KEY \`FK_7a0806a54f0ad9ced3e247cacd1\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`user_blocks\` DROP FOREIGN KEY \`FK_dfcd8a81016d1de587fbd2d70bf\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_bans\` DROP FOREIGN KEY \`FK_713c888b0b83f5800513c977a67\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_bans\` DROP FOREIGN KEY \`FK_d275799aa383d52e09272df2ef6\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_mutes\` DROP FOREIGN KEY \`FK_0ff2bc6f43bf7ae9555d6047ef3\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_mutes\` DROP FOREIGN KEY \`FK_018268767009f6a3a06cd8b2073\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`messages\` DROP FOREIGN KEY \`FK_05535bc695e9f7ee104616459d3\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`messages\` DROP FOREIGN KEY \`FK_1dda4fc8dbeeff2ee71f0088ba0\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_members\` DROP FOREIGN KEY \`FK_b2d15baf5b46ed9659bd71fbb43\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`room_members\` DROP FOREIGN KEY \`FK_e6cf45f179a524427ddf8bacd8e\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`rooms\` DROP FOREIGN KEY \`FK_0916c85c4938ca0741839c393db\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`user_tokens\` DROP FOREIGN KEY \`FK_9e144a67be49e5bba91195ef5de\`
        `);
        await queryRunner.query(`
            ALTER TABLE \`users\` DROP FOREIGN KEY \`FK_d09943c291663c7fc13686e5486\`
        `);
        await queryRunner.query(`
            DROP INDEX \`ix_audit_log_room\` ON \`audit_log\`
        `);
        await queryRunner.query(`
            DROP TABLE \`audit_log\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_user_blocks_pair\` ON \`user_blocks\`
        `);
        await queryRunner.query(`
            DROP INDEX \`ix_user_blocks_blocked\` ON \`user_blocks\`
        `);
        await queryRunner.query(`
            DROP TABLE \`user_blocks\`
        `);
        await queryRunner.query(`
            DROP INDEX \`ix_reports_room_status\` ON \`reports\`
        `);
        await queryRunner.query(`
            DROP TABLE \`reports\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_room_bans_room_user\` ON \`room_bans\`
        `);
        await queryRunner.query(`
            DROP INDEX \`ix_room_bans_ends\` ON \`room_bans\`
        `);
        await queryRunner.query(`
            DROP TABLE \`room_bans\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_room_mutes_room_user\` ON \`room_mutes\`
        `);
        await queryRunner.query(`
            DROP INDEX \`ix_room_mutes_ends\` ON \`room_mutes\`
        `);
        await queryRunner.query(`
            DROP TABLE \`room_mutes\`
        `);
        await queryRunner.query(`
            DROP INDEX \`ix_messages_room_id\` ON \`messages\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_messages_client_msg\` ON \`messages\`
        `);
        await queryRunner.query(`
            DROP TABLE \`messages\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_room_members_room_user\` ON \`room_members\`
        `);
        await queryRunner.query(`
            DROP INDEX \`ix_room_members_user\` ON \`room_members\`
        `);
        await queryRunner.query(`
            DROP TABLE \`room_members\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_rooms_app_key\` ON \`rooms\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_rooms_app_direct\` ON \`rooms\`
        `);
        await queryRunner.query(`
            DROP INDEX \`ix_rooms_app_type\` ON \`rooms\`
        `);
        await queryRunner.query(`
            DROP TABLE \`rooms\`
        `);
        await queryRunner.query(`
            DROP INDEX \`ix_user_tokens_user\` ON \`user_tokens\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_user_tokens_hash\` ON \`user_tokens\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_user_tokens_jti\` ON \`user_tokens\`
        `);
        await queryRunner.query(`
            DROP TABLE \`user_tokens\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_users_app_uname\` ON \`users\`
        `);
        await queryRunner.query(`
            DROP INDEX \`uq_users_app_external\` ON \`users\`
        `);
        await queryRunner.query(`
            DROP TABLE \`users\`
        `);
        await queryRunner.query(`
            DROP TABLE \`apps\`
        `);
    }

}
