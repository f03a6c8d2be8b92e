import { Migration } from "@medusajs/framework/mikro-orm/migrations"

/** meum_invoice: the invoice's transactions as read from Meum (and when), the merchant's decision note. */
export class Migration20261205160000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "meum_invoice" add column if not exists "transactions" jsonb null;`)
    this.addSql(`alter table if exists "meum_invoice" add column if not exists "transactions_read_at" timestamptz null;`)
    this.addSql(`alter table if exists "meum_invoice" add column if not exists "decision_note" text null;`)
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "meum_invoice" drop column if exists "transactions";`)
    this.addSql(`alter table if exists "meum_invoice" drop column if exists "transactions_read_at";`)
    this.addSql(`alter table if exists "meum_invoice" drop column if exists "decision_note";`)
  }
}
