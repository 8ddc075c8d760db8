import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1763900000000 implements MigrationInterface {
    name = 'Initial1763900000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "apps" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "name" varchar(100) NOT NULL,
                "secret" varchar(128) NOT NULL,
                "settings" text,
                "created_at" datetime(3) NOT NULL,
                "updated_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "external_id" varchar(191),
                "uname" varchar(32) NOT NULL,
                "uname_key" varchar(32) NOT NULL,
                "display_name" varchar(100),
                "role" varchar(8) NOT NULL DEFAULT ('MEMBER'),
                "is_bot" boolean NOT NULL DEFAULT (0),
                "meta" text,
                "tokens_valid_after" datetime(3),
                "created_at" datetime(3) NOT NULL,
                "updated_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_users_app_external" ON "users" ("app_id", "external_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_users_app_uname" ON "users" ("app_id", "uname_key")
        `);
        await queryRunner.query(`
            CREATE TABLE "user_tokens" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "jti" varchar(36) NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "expires_at" datetime(3) NOT NULL,
                "revoked_at" datetime(3),
                "created_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_user_tokens_jti" ON "user_tokens" ("jti")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_user_tokens_hash" ON "user_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_user_tokens_user" ON "user_tokens" ("app_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "rooms" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_key" varchar(191),
                "name" varchar(191),
                "type" varchar(8) NOT NULL,
                "status" varchar(32),
                "frozen" boolean NOT NULL DEFAULT (0),
                "meta" text,
                "direct_key" varchar(64),
                "last_message_id" bigint,
                "created_at" datetime(3) NOT NULL,
                "updated_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_rooms_app_type" ON "rooms" ("app_id", "type")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_rooms_app_direct" ON "rooms" ("app_id", "direct_key")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_rooms_app_key" ON "rooms" ("app_id", "room_key")
        `);
        await queryRunner.query(`
            CREATE TABLE "room_members" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "role" varchar(8) NOT NULL DEFAULT ('MEMBER'),
                "joined_at" datetime(3) NOT NULL,
                "last_read_message_id" bigint,
                "last_delivered_message_id" bigint
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_room_members_user" ON "room_members" ("app_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_room_members_room_user" ON "room_members" ("room_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "messages" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "author_id" bigint,
                "kind" varchar(8) NOT NULL DEFAULT ('TEXT'),
                "text" text,
                "meta" text,
                "client_msg_id" varchar(64),
                "created_at" datetime(3) NOT NULL,
                "edited_at" datetime(3),
                "deleted_at" datetime(3)
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_messages_client_msg" ON "messages" ("app_id", "author_id", "client_msg_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_messages_room_id" ON "messages" ("room_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "room_mutes" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "muted_by" bigint,
                "minutes" integer NOT NULL,
                "reason" varchar(500),
                "starts_at" datetime(3) NOT NULL,
                "ends_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_room_mutes_ends" ON "room_mutes" ("ends_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_room_mutes_room_user" ON "room_mutes" ("room_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "room_bans" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "banned_by" bigint,
                "reason" varchar(500),
                "starts_at" datetime(3) NOT NULL,
                "ends_at" datetime(3)
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_room_bans_ends" ON "room_bans" ("ends_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_room_bans_room_user" ON "room_bans" ("room_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "reports" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint,
                "reporter_id" bigint NOT NULL,
                "target_type" varchar(8) NOT NULL,
                "target_user_id" bigint,
                "target_message_id" bigint,
                "category" varchar(16) NOT NULL,
                "reason" varchar(500),
                "status" varchar(16) NOT NULL DEFAULT ('OPEN'),
                "resolved_by" bigint,
                "resolution" varchar(255),
                "created_at" datetime(3) NOT NULL,
                "resolved_at" datetime(3)
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_reports_room_status" ON "reports" ("app_id", "room_id", "status", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "user_blocks" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "blocker_id" bigint NOT NULL,
                "blocked_id" bigint NOT NULL,
                "created_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_user_blocks_blocked" ON "user_blocks" ("app_id", "blocked_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_user_blocks_pair" ON "user_blocks" ("blocker_id", "blocked_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "audit_log" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint,
                "actor_kind" varchar(8) NOT NULL,
                "actor_user_id" bigint,
                "action" varchar(32) NOT NULL,
                "target_user_id" bigint,
                "reason" varchar(500),
                "details" text,
                "created_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_log_room" ON "audit_log" ("app_id", "room_id", "id")
        `);
        await queryRunner.query(`
            DROP INDEX "uq_users_app_external"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_users_app_uname"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_users" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "external_id" varchar(191),
                "uname" varchar(32) NOT NULL,
                "uname_key" varchar(32) NOT NULL,
                "display_name" varchar(100),
                "role" varchar(8) NOT NULL DEFAULT ('MEMBER'),
                "is_bot" boolean NOT NULL DEFAULT (0),
                "meta" text,
                "tokens_valid_after" datetime(3),
                "created_at" datetime(3) NOT NULL,
                "updated_at" datetime(3) NOT NULL,
                CONSTRAINT "FK_d09943c291663c7fc13686e5486" FOREIGN KEY ("app_id") REFERENCES "apps" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_users"(
                    "id",
                    "app_id",
                    "external_id",
                    "uname",
                    "uname_key",
                    "display_name",
                    "role",
                    "is_bot",
                    "meta",
                    "tokens_valid_after",
                    "created_at",
                    "updated_at"
                )
            SELECT "id",
                "app_id",
                "external_id",
                "uname",
                "uname_key",
                "display_name",
                "role",
                "is_bot",
                "meta",
                "tokens_valid_after",
                "created_at",
                "updated_at"
            FROM "users"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_users"
                RENAME TO "users"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_users_app_external" ON "users" ("app_id", "external_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_users_app_uname" ON "users" ("app_id", "uname_key")
        `);
        await queryRunner.query(`
            DROP INDEX "uq_user_tokens_jti"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_user_tokens_hash"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_user_tokens_user"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_user_tokens" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "jti" varchar(36) NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "expires_at" datetime(3) NOT NULL,
                "revoked_at" datetime(3),
                "created_at" datetime(3) NOT NULL,
                CONSTRAINT "FK_9e144a67be49e5bba91195ef5de" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_user_tokens"(
                    "id",
                    "app_id",
                    "user_id",
                    "jti",
                    "token_hash",
                    "expires_at",
                    "revoked_at",
                    "created_at"
                )
            SELECT "id",
                "app_id",
                "user_id",
                "jti",
                "token_hash",
                "expires_at",
                "revoked_at",
                "created_at"
            FROM "user_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "user_tokens"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_user_tokens"
                RENAME TO "user_tokens"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_user_tokens_jti" ON "user_tokens" ("jti")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_user_tokens_hash" ON "user_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_user_tokens_user" ON "user_tokens" ("app_id", "user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "ix_rooms_app_type"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_rooms_app_direct"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_rooms_app_key"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_rooms" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_key" varchar(191),
                "name" varchar(191),
                "type" varchar(8) NOT NULL,
                "status" varchar(32),
                "frozen" boolean NOT NULL DEFAULT (0),
                "meta" text,
                "direct_key" varchar(64),
                "last_message_id" bigint,
                "created_at" datetime(3) NOT NULL,
                "updated_at" datetime(3) NOT NULL,
                CONSTRAINT "FK_0916c85c4938ca0741839c393db" FOREIGN KEY ("app_id") REFERENCES "apps" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_rooms"(
                    "id",
                    "app_id",
                    "room_key",
                    "name",
                    "type",
                    "status",
                    "frozen",
                    "meta",
                    "direct_key",
                    "last_message_id",
                    "created_at",
                    "updated_at"
                )
            SELECT "id",
                "app_id",
                "room_key",
                "name",
                "type",
                "status",
                "frozen",
                "meta",
                "direct_key",
                "last_message_id",
                "created_at",
                "updated_at"
            FROM "rooms"
        `);
        await queryRunner.query(`
            DROP TABLE "rooms"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_rooms"
                RENAME TO "rooms"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_rooms_app_type" ON "rooms" ("app_id", "type")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_rooms_app_direct" ON "rooms" ("app_id", "direct_key")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_rooms_app_key" ON "rooms" ("app_id", "room_key")
        `);
        await queryRunner.query(`
            DROP INDEX "ix_room_members_user"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_room_members_room_user"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_room_members" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "role" varchar(8) NOT NULL DEFAULT ('MEMBER'),
                "joined_at" datetime(3) NOT NULL,
                "last_read_message_id" bigint,
                "last_delivered_message_id" bigint,
                CONSTRAINT "FK_e6cf45f179a524427ddf8bacd8e" FOREIGN KEY ("room_id") REFERENCES "rooms" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_b2d15baf5b46ed9659bd71fbb43" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_room_members"(
                    "id",
                    "app_id",
                    "room_id",
                    "user_id",
                    "role",
                    "joined_at",
                    "last_read_message_id",
                    "last_delivered_message_id"
                )
            SELECT "id",
                "app_id",
                "room_id",
                "user_id",
                "role",
                "joined_at",
                "last_read_message_id",
                "last_delivered_message_id"
            FROM "room_members"
        `);
        await queryRunner.query(`
            DROP TABLE "room_members"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_room_members"
                RENAME TO "room_members"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_room_members_user" ON "room_members" ("app_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_room_members_room_user" ON "room_members" ("room_id", "user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "uq_messages_client_msg"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_messages_room_id"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_messages" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "author_id" bigint,
                "kind" varchar(8) NOT NULL DEFAULT ('TEXT'),
                "text" text,
                "meta" text,
                "client_msg_id" varchar(64),
                "created_at" datetime(3) NOT NULL,
                "edited_at" datetime(3),
                "deleted_at" datetime(3),
                CONSTRAINT "FK_1dda4fc8dbeeff2ee71f0088ba0" FOREIGN KEY ("room_id") REFERENCES "rooms" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_05535bc695e9f7ee104616459d3" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE
                SET NULL ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_messages"(
                    "id",
                    "app_id",
                    "room_id",
                    "author_id",
                    "kind",
                    "text",
                    "meta",
                    "client_msg_id",
                    "created_at",
                    "edited_at",
                    "deleted_at"
                )
            SELECT "id",
                "app_id",
                "room_id",
                "author_id",
                "kind",
                "text",
                "meta",
                "client_msg_id",
                "created_at",
                "edited_at",
                "deleted_at"
            FROM "messages"
        `);
        await queryRunner.query(`
            DROP TABLE "messages"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_messages"
                RENAME TO "messages"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_messages_client_msg" ON "messages" ("app_id", "author_id", "client_msg_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_messages_room_id" ON "messages" ("room_id", "id")
        `);
        await queryRunner.query(`
            DROP INDEX "ix_room_mutes_ends"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_room_mutes_room_user"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_room_mutes" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "muted_by" bigint,
                "minutes" integer NOT NULL,
                "reason" varchar(500),
                "starts_at" datetime(3) NOT NULL,
                "ends_at" datetime(3) NOT NULL,
                CONSTRAINT "FK_018268767009f6a3a06cd8b2073" FOREIGN KEY ("room_id") REFERENCES "rooms" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_0ff2bc6f43bf7ae9555d6047ef3" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_room_mutes"(
                    "id",
                    "app_id",
                    "room_id",
                    "user_id",
                    "muted_by",
                    "minutes",
                    "reason",
                    "starts_at",
                    "ends_at"
                )
            SELECT "id",
                "app_id",
                "room_id",
                "user_id",
                "muted_by",
                "minutes",
                "reason",
                "starts_at",
                "ends_at"
            FROM "room_mutes"
        `);
        await queryRunner.query(`
            DROP TABLE "room_mutes"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_room_mutes"
                RENAME TO "room_mutes"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_room_mutes_ends" ON "room_mutes" ("ends_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_room_mutes_room_user" ON "room_mutes" ("room_id", "user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "ix_room_bans_ends"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_room_bans_room_user"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_room_bans" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "banned_by" bigint,
                "reason" varchar(500),
                "starts_at" datetime(3) NOT NULL,
                "ends_at" datetime(3),
                CONSTRAINT "FK_d275799aa383d52e09272df2ef6" FOREIGN KEY ("room_id") REFERENCES "rooms" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_713c888b0b83f5800513c977a67" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_room_bans"(
                    "id",
                    "app_id",
                    "room_id",
                    "user_id",
                    "banned_by",
                    "reason",
                    "starts_at",
                    "ends_at"
                )
            SELECT "id",
                "app_id",
                "room_id",
                "user_id",
                "banned_by",
                "reason",
                "starts_at",
                "ends_at"
            FROM "room_bans"
        `);
        await queryRunner.query(`
            DROP TABLE "room_bans"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_room_bans"
                RENAME TO "room_bans"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_room_bans_ends" ON "room_bans" ("ends_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_room_bans_room_user" ON "room_bans" ("room_id", "user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "ix_user_blocks_blocked"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_user_blocks_pair"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_user_blocks" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "blocker_id" bigint NOT NULL,
                "blocked_id" bigint NOT NULL,
                "created_at" datetime(3) NOT NULL,
                CONSTRAINT "FK_dfcd8a81016d1de587fbd2d70bf" FOREIGN KEY ("blocker_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_7a0806a54f0ad9ced3e247cacd1" FOREIGN KEY ("blocked_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_user_blocks"(
                    "id",
                    "app_id",
                    "blocker_id",
                    "blocked_id",
                    "created_at"
                )
            SELECT "id",
                "app_id",
                "blocker_id",
                "blocked_id",
                "created_at"
            FROM "user_blocks"
        `);
        await queryRunner.query(`
            DROP TABLE "user_blocks"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_user_blocks"
                RENAME TO "user_blocks"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_user_blocks_blocked" ON "user_blocks" ("app_id", "blocked_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_user_blocks_pair" ON "user_blocks" ("blocker_id", "blocked_id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "uq_user_blocks_pair"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_user_blocks_blocked"
        `);
        await queryRunner.query(`
            ALTER TABLE "user_blocks"
                RENAME TO "temporary_user_blocks"
        `);
        await queryRunner.query(`
            CREATE TABLE "user_blocks" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "blocker_id" bigint NOT NULL,
                "blocked_id" bigint NOT NULL,
                "created_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "user_blocks"(
                    "id",
                    "app_id",
                    "blocker_id",
                    "blocked_id",
                    "created_at"
                )
            SELECT "id",
                "app_id",
                "blocker_id",
                "blocked_id",
                "created_at"
            FROM "temporary_user_blocks"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_user_blocks"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_user_blocks_pair" ON "user_blocks" ("blocker_id", "blocked_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_user_blocks_blocked" ON "user_blocks" ("app_id", "blocked_id")
        `);
        await queryRunner.query(`
            DROP INDEX "uq_room_bans_room_user"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_room_bans_ends"
        `);
        await queryRunner.query(`
            ALTER TABLE "room_bans"
                RENAME TO "temporary_room_bans"
        `);
        await queryRunner.query(`
            CREATE TABLE "room_bans" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "banned_by" bigint,
                "reason" varchar(500),
                "starts_at" datetime(3) NOT NULL,
                "ends_at" datetime(3)
            )
        `);
        await queryRunner.query(`
            INSERT INTO "room_bans"(
                    "id",
                    "app_id",
                    "room_id",
                    "user_id",
                    "banned_by",
                    "reason",
                    "starts_at",
                    "ends_at"
                )
            SELECT "id",
                "app_id",
                "room_id",
                "user_id",
                "banned_by",
                "reason",
                "starts_at",
                "ends_at"
            FROM "temporary_room_bans"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_room_bans"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_room_bans_room_user" ON "room_bans" ("room_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_room_bans_ends" ON "room_bans" ("ends_at")
        `);
        await queryRunner.query(`
            DROP INDEX "uq_room_mutes_room_user"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_room_mutes_ends"
        `);
        await queryRunner.query(`
            ALTER TABLE "room_mutes"
                RENAME TO "temporary_room_mutes"
        `);
        await queryRunner.query(`
            CREATE TABLE "room_mutes" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "muted_by" bigint,
                "minutes" integer NOT NULL,
                "reason" varchar(500),
                "starts_at" datetime(3) NOT NULL,
                "ends_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "room_mutes"(
                    "id",
                    "app_id",
                    "room_id",
                    "user_id",
                    "muted_by",
                    "minutes",
                    "reason",
                    "starts_at",
                    "ends_at"
                )
            SELECT "id",
                "app_id",
                "room_id",
                "user_id",
                "muted_by",
                "minutes",
                "reason",
                "starts_at",
                "ends_at"
            FROM "temporary_room_mutes"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_room_mutes"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_room_mutes_room_user" ON "room_mutes" ("room_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_room_mutes_ends" ON "room_mutes" ("ends_at")
        `);
        await queryRunner.query(`
            DROP INDEX "ix_messages_room_id"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_messages_client_msg"
        `);
        await queryRunner.query(`
            ALTER TABLE "messages"
                RENAME TO "temporary_messages"
        `);
        await queryRunner.query(`
            CREATE TABLE "messages" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "author_id" bigint,
                "kind" varchar(8) NOT NULL DEFAULT ('TEXT'),
                "text" text,
                "meta" text,
                "client_msg_id" varchar(64),
                "created_at" datetime(3) NOT NULL,
                "edited_at" datetime(3),
                "deleted_at" datetime(3)
            )
        `);
        await queryRunner.query(`
            INSERT INTO "messages"(
                    "id",
                    "app_id",
                    "room_id",
                    "author_id",
                    "kind",
                    "text",
                    "meta",
                    "client_msg_id",
                    "created_at",
                    "edited_at",
                    "deleted_at"
                )
            SELECT "id",
                "app_id",
                "room_id",
                "author_id",
                "kind",
                "text",
                "meta",
                "client_msg_id",
                "created_at",
                "edited_at",
                "deleted_at"
            FROM "temporary_messages"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_messages"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_messages_room_id" ON "messages" ("room_id", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_messages_client_msg" ON "messages" ("app_id", "author_id", "client_msg_id")
        `);
        await queryRunner.query(`
            DROP INDEX "uq_room_members_room_user"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_room_members_user"
        `);
        await queryRunner.query(`
            ALTER TABLE "room_members"
                RENAME TO "temporary_room_members"
        `);
        await queryRunner.query(`
            CREATE TABLE "room_members" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "role" varchar(8) NOT NULL DEFAULT ('MEMBER'),
                "joined_at" datetime(3) NOT NULL,
                "last_read_message_id" bigint,
                "last_delivered_message_id" bigint
            )
        `);
        await queryRunner.query(`
            INSERT INTO "room_members"(
                    "id",
                    "app_id",
                    "room_id",
                    "user_id",
                    "role",
                    "joined_at",
                    "last_read_message_id",
                    "last_delivered_message_id"
                )
            SELECT "id",
                "app_id",
                "room_id",
                "user_id",
                "role",
                "joined_at",
                "last_read_message_id",
                "last_delivered_message_id"
            FROM "temporary_room_members"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_room_members"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_room_members_room_user" ON "room_members" ("room_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_room_members_user" ON "room_members" ("app_id", "user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "uq_rooms_app_key"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_rooms_app_direct"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_rooms_app_type"
        `);
        await queryRunner.query(`
            ALTER TABLE "rooms"
                RENAME TO "temporary_rooms"
        `);
        await queryRunner.query(`
            CREATE TABLE "rooms" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "room_key" varchar(191),
                "name" varchar(191),
                "type" varchar(8) NOT NULL,
                "status" varchar(32),
                "frozen" boolean NOT NULL DEFAULT (0),
                "meta" text,
                "direct_key" varchar(64),
                "last_message_id" bigint,
                "created_at" datetime(3) NOT NULL,
                "updated_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "rooms"(
                    "id",
                    "app_id",
                    "room_key",
                    "name",
                    "type",
                    "status",
                    "frozen",
                    "meta",
                    "direct_key",
                    "last_message_id",
                    "created_at",
                    "updated_at"
                )
            SELECT "id",
                "app_id",
                "room_key",
                "name",
                "type",
                "status",
                "frozen",
                "meta",
                "direct_key",
                "last_message_id",
                "created_at",
                "updated_at"
            FROM "temporary_rooms"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_rooms"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_rooms_app_key" ON "rooms" ("app_id", "room_key")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_rooms_app_direct" ON "rooms" ("app_id", "direct_key")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_rooms_app_type" ON "rooms" ("app_id", "type")
        `);
        await queryRunner.query(`
            DROP INDEX "ix_user_tokens_user"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_user_tokens_hash"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_user_tokens_jti"
        `);
        await queryRunner.query(`
            ALTER TABLE "user_tokens"
                RENAME TO "temporary_user_tokens"
        `);
        await queryRunner.query(`
            CREATE TABLE "user_tokens" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "user_id" bigint NOT NULL,
                "jti" varchar(36) NOT NULL,
                "token_hash" varchar(64) NOT NULL,
                "expires_at" datetime(3) NOT NULL,
                "revoked_at" datetime(3),
                "created_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "user_tokens"(
                    "id",
                    "app_id",
                    "user_id",
                    "jti",
                    "token_hash",
                    "expires_at",
                    "revoked_at",
                    "created_at"
                )
            SELECT "id",
                "app_id",
                "user_id",
                "jti",
                "token_hash",
                "expires_at",
                "revoked_at",
                "created_at"
            FROM "temporary_user_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_user_tokens"
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_user_tokens_user" ON "user_tokens" ("app_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_user_tokens_hash" ON "user_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_user_tokens_jti" ON "user_tokens" ("jti")
        `);
        await queryRunner.query(`
            DROP INDEX "uq_users_app_uname"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_users_app_external"
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
                RENAME TO "temporary_users"
        `);
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "app_id" bigint NOT NULL,
                "external_id" varchar(191),
                "uname" varchar(32) NOT NULL,
                "uname_key" varchar(32) NOT NULL,
                "display_name" varchar(100),
                "role" varchar(8) NOT NULL DEFAULT ('MEMBER'),
                "is_bot" boolean NOT NULL DEFAULT (0),
                "meta" text,
                "tokens_valid_after" datetime(3),
                "created_at" datetime(3) NOT NULL,
                "updated_at" datetime(3) NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "users"(
                    "id",
                    "app_id",
                    "external_id",
                    "uname",
                    "uname_key",
                    "display_name",
                    "role",
                    "is_bot",
                    "meta",
                    "tokens_valid_after",
                    "created_at",
                    "updated_at"
                )
            SELECT "id",
                "app_id",
                "external_id",
                "uname",
                "uname_key",
                "display_name",
                "role",
                "is_bot",
                "meta",
                "tokens_valid_after",
                "created_at",
                "updated_at"
            FROM "temporary_users"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_users"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_users_app_uname" ON "users" ("app_id", "uname_key")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_users_app_external" ON "users" ("app_id", "external_id")
        `);
        await queryRunner.query(`
            DROP INDEX "ix_audit_log_room"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_log"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_user_blocks_pair"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_user_blocks_blocked"
        `);
        await queryRunner.query(`
            DROP TABLE "user_blocks"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_reports_room_status"
        `);
        await queryRunner.query(`
            DROP TABLE "reports"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_room_bans_room_user"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_room_bans_ends"
        `);
        await queryRunner.query(`
            DROP TABLE "room_bans"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_room_mutes_room_user"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_room_mutes_ends"
        `);
        await queryRunner.query(`
            DROP TABLE "room_mutes"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_messages_room_id"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_messages_client_msg"
        `);
        await queryRunner.query(`
            DROP TABLE "messages"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_room_members_room_user"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_room_members_user"
        `);
        await queryRunner.query(`
            DROP TABLE "room_members"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_rooms_app_key"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_rooms_app_direct"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_rooms_app_type"
        `);
        await queryRunner.query(`
            DROP TABLE "rooms"
        `);
        await queryRunner.query(`
            DROP INDEX "ix_user_tokens_user"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_user_tokens_hash"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_user_tokens_jti"
        `);
        await queryRunner.query(`
            DROP TABLE "user_tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_users_app_uname"
        `);
        await queryRunner.query(`
            DROP INDEX "uq_users_app_external"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            DROP TABLE "apps"
        `);
    }

}
