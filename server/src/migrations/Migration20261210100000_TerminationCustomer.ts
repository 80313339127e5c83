import { Migration } from '@mikro-orm/migrations';

/**
 * A termination carries its order's customer (issue #18, reads that do not grow with the data):
 * the terminations list searched by a customer's name probes (customer_id, created_at) for the
 * few matching customers instead of joining every order of theirs. The order's customer stays the
 * source: a trigger follows it when it changes (an ERP sync may move an order to another customer).
 */
export class Migration20261210100000_TerminationCustomer extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "termination" add column "customer_id" uuid null;`);
    this.addSql(`update "termination" t set "customer_id" = o."customer_id" from "sales_order" o where o."id" = t."order_id";`);
    this.addSql(`alter table "termination" alter column "customer_id" set not null;`);
    this.addSql(
      `alter table "termination" add constraint "termination_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(`create index "termination_customer_list_idx" on "termination" ("customer_id", "created_at", "id");`);
    this.addSql(`create function termination_follow_order_customer() returns trigger language plpgsql as $$
      begin
        update termination set customer_id = new.customer_id where order_id = new.id;
        return null;
      end $$;`);
    this.addSql(`create trigger sales_order_customer_to_termination after update of customer_id on sales_order
      for each row when (old.customer_id is distinct from new.customer_id) execute function termination_follow_order_customer();`);
    this.addSql(`analyze "termination";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists sales_order_customer_to_termination on sales_order;`);
    this.addSql(`drop function if exists termination_follow_order_customer();`);
    this.addSql(`drop index if exists "termination_customer_list_idx";`);
    this.addSql(`alter table "termination" drop constraint if exists "termination_customer_id_foreign";`);
    this.addSql(`alter table "termination" drop column if exists "customer_id";`);
  }
}
