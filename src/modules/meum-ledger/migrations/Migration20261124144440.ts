import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261124144440 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "meum_webhook_event" drop constraint if exists "meum_webhook_event_event_id_unique";`);
    this.addSql(`alter table if exists "meum_invoice" drop constraint if exists "meum_invoice_invoice_id_unique";`);
    this.addSql(`create table if not exists "meum_invoice" ("id" text not null, "invoice_id" text not null, "provider_id" text not null, "payment_session_id" text null, "cart_id" text null, "payment_collection_id" text null, "external_order_id" text null, "amount" text null, "currency_code" text null, "meum_status" text null, "state" text check ("state" in ('open', 'paid', 'completed', 'needs_attention', 'resolved', 'closed', 'abandoned')) not null default 'open', "attention_reason" text null, "order_id" text null, "decision" text null, "decided_by" text null, "decided_at" timestamptz null, "attempts" integer not null default 0, "last_error" text null, "last_checked_at" timestamptz null, "next_check_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "meum_invoice_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_invoice_deleted_at" ON "meum_invoice" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_meum_invoice_invoice_id_unique" ON "meum_invoice" ("invoice_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_invoice_next_check_at" ON "meum_invoice" ("next_check_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_invoice_payment_session_id" ON "meum_invoice" ("payment_session_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_invoice_cart_id" ON "meum_invoice" ("cart_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_invoice_state" ON "meum_invoice" ("state") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "meum_webhook_event" ("id" text not null, "event_id" text not null, "event_type" text null, "invoice_id" text null, "provider_id" text null, "verdict" text not null, "outcome" text null, "http_status" integer null, "deliveries" integer not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "meum_webhook_event_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_webhook_event_deleted_at" ON "meum_webhook_event" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_meum_webhook_event_event_id_unique" ON "meum_webhook_event" ("event_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_webhook_event_invoice_id" ON "meum_webhook_event" ("invoice_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_meum_webhook_event_created_at" ON "meum_webhook_event" ("created_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "meum_invoice" cascade;`);

    this.addSql(`drop table if exists "meum_webhook_event" cascade;`);
  }

}
