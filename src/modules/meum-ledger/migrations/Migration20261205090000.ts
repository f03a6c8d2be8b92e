import { Migration } from "@medusajs/framework/mikro-orm/migrations"

/** The meum_counter table (models/meum-counter.ts). */
export class Migration20261205090000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists "meum_counter" ("id" text not null, "key" text not null, "window_start" timestamptz not null, "count" integer not null default 0, "samples" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "meum_counter_pkey" primary key ("id"));`)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_counter_deleted_at" ON "meum_counter" ("deleted_at") WHERE deleted_at IS NULL;`)
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_meum_counter_key_window_start_unique" ON "meum_counter" ("key", "window_start") WHERE deleted_at IS NULL;`)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_counter_window_start" ON "meum_counter" ("window_start") WHERE deleted_at IS NULL;`)
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "meum_counter" cascade;`)
  }
}
