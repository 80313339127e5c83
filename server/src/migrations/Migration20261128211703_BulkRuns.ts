import { Migration } from '@mikro-orm/migrations';

export class Migration20261128211703_BulkRuns extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "bulk_termination_run" ("id" uuid not null, "created_at" timestamptz not null default now(), "product_sku" varchar(32) not null, "reason_code" varchar(40) not null, "explanation" text not null, "status" text check ("status" in ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')) not null, "requested_by_id" uuid not null, "total" int not null default 0, "created" int not null default 0, "skipped" int not null default 0, "failed" int not null default 0, "started_at" timestamptz null, "finished_at" timestamptz null, "error" text null, constraint "bulk_termination_run_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "bulk_termination_item" ("id" uuid not null, "created_at" timestamptz not null default now(), "run_id" uuid not null, "order_id" uuid not null, "outcome" varchar(8) not null, "code" varchar(40) not null, "message" text not null, constraint "bulk_termination_item_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "bulk_termination_item_run_id_index" on "bulk_termination_item" ("run_id");`);
    this.addSql(
      `alter table "bulk_termination_item" add constraint "bulk_termination_item_run_id_order_id_unique" unique ("run_id", "order_id");`,
    );

    this.addSql(
      `alter table "bulk_termination_run" add constraint "bulk_termination_run_requested_by_id_foreign" foreign key ("requested_by_id") references "app_user" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "bulk_termination_item" add constraint "bulk_termination_item_run_id_foreign" foreign key ("run_id") references "bulk_termination_run" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "bulk_termination_item" add constraint "bulk_termination_item_order_id_foreign" foreign key ("order_id") references "sales_order" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "bulk_termination_item" drop constraint "bulk_termination_item_run_id_foreign";`);

    this.addSql(`drop table if exists "bulk_termination_run" cascade;`);

    this.addSql(`drop table if exists "bulk_termination_item" cascade;`);
  }
}
