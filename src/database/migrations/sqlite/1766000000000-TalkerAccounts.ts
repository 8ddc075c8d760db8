import { MigrationInterface, QueryRunner } from 'typeorm';

/** Talker accounts, their sessions, and the development server's talker app (src/accounts/*.entity.ts). */
export class TalkerAccounts1766000000000 implements MigrationInterface {
  name = 'TalkerAccounts1766000000000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "talker_accounts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "user_id" bigint NOT NULL,
      "email" varchar(191) NOT NULL, "password_hash" varchar(200) NOT NULL, "confirm_hash" varchar(64), "confirmed_at" datetime(3), "created_at" datetime(3) NOT NULL,
      CONSTRAINT "fk_talker_accounts_user" FOREIGN KEY ("app_id", "user_id") REFERENCES "users" ("app_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await runner.query('CREATE UNIQUE INDEX "uq_talker_accounts_email" ON "talker_accounts" ("app_id", "email")');
    await runner.query('CREATE UNIQUE INDEX "uq_talker_accounts_user" ON "talker_accounts" ("app_id", "user_id")');
    await runner.query(`CREATE TABLE "talker_sessions" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "app_id" bigint NOT NULL, "user_id" bigint NOT NULL,
      "key_hash" varchar(64) NOT NULL, "created_at" datetime(3) NOT NULL,
      CONSTRAINT "fk_talker_sessions_user" FOREIGN KEY ("app_id", "user_id") REFERENCES "users" ("app_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await runner.query('CREATE UNIQUE INDEX "uq_talker_sessions_key" ON "talker_sessions" ("key_hash")');
    await runner.query('CREATE INDEX "ix_talker_sessions_user" ON "talker_sessions" ("app_id", "user_id")');
    await runner.query(`CREATE TABLE "talker_app" ("id" integer PRIMARY KEY NOT NULL, "app_id" bigint NOT NULL,
      CONSTRAINT "fk_talker_app_app" FOREIGN KEY ("app_id") REFERENCES "apps" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "talker_app"');
    await runner.query('DROP TABLE "talker_sessions"');
    await runner.query('DROP TABLE "talker_accounts"');
  }
}
