import { Migration } from '@mikro-orm/migrations';

/**
 * Suppliers become records: one per supplier code the purchase orders named (the name as the
 * latest PO spelled it), every PO linked to its supplier, and the PO's copies of code and name
 * dropped. `source` + `external_id` are for a later ERP sync. `supplier_notice` records each
 * cancellation notice of a PO to its supplier (the mail, or Purchasing's phone task).
 */
export class Migration20261201120000_Suppliers extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "supplier" ("id" uuid not null, "created_at" timestamptz not null default now(), "code" varchar(32) not null, "name" varchar(255) not null, "contact_name" varchar(255) null, "email" varchar(255) null, "phone" varchar(40) null, "active" boolean not null default true, "source" varchar(40) null, "external_id" varchar(128) null, "updated_at" timestamptz not null default now(), constraint "supplier_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "supplier" add constraint "supplier_code_unique" unique ("code");`);
    this.addSql(`alter table "supplier" add constraint "supplier_source_external_id_unique" unique ("source", "external_id");`);
    this.addSql(
      `insert into "supplier" ("id", "code", "name")
       select gen_random_uuid(), po.supplier_code, (array_agg(po.supplier_name order by po.created_at desc, po.id desc))[1]
         from "purchase_order" po group by po.supplier_code;`,
    );
    this.addSql(`alter table "purchase_order" add column "supplier_id" uuid null;`);
    this.addSql(`update "purchase_order" po set "supplier_id" = s.id from "supplier" s where s.code = po.supplier_code;`);
    this.addSql(`alter table "purchase_order" alter column "supplier_id" set not null;`);
    this.addSql(
      `alter table "purchase_order" add constraint "purchase_order_supplier_id_foreign" foreign key ("supplier_id") references "supplier" ("id") on update cascade;`,
    );
    this.addSql(`create index "purchase_order_supplier_id_index" on "purchase_order" ("supplier_id");`);
    this.addSql(`alter table "purchase_order" drop column "supplier_code", drop column "supplier_name";`);

    this.addSql(
      `create table "supplier_notice" ("id" uuid not null, "created_at" timestamptz not null default now(), "termination_id" uuid not null, "purchase_order_id" uuid not null, "supplier_id" uuid not null, "channel" text check ("channel" in ('EMAIL', 'PHONE_TASK')) not null, "action" varchar(16) not null, "lines" jsonb not null, "mail_message_id" uuid null, "follow_up_task_id" uuid null, constraint "supplier_notice_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "supplier_notice_termination_id_index" on "supplier_notice" ("termination_id");`);
    this.addSql(`create index "supplier_notice_purchase_order_id_index" on "supplier_notice" ("purchase_order_id");`);
    this.addSql(`alter table "supplier_notice" add constraint "supplier_notice_mail_message_id_unique" unique ("mail_message_id");`);
    this.addSql(
      `alter table "supplier_notice" add constraint "supplier_notice_termination_id_foreign" foreign key ("termination_id") references "termination" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "supplier_notice" add constraint "supplier_notice_purchase_order_id_foreign" foreign key ("purchase_order_id") references "purchase_order" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "supplier_notice" add constraint "supplier_notice_supplier_id_foreign" foreign key ("supplier_id") references "supplier" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "supplier_notice" add constraint "supplier_notice_mail_message_id_foreign" foreign key ("mail_message_id") references "mail_message" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "supplier_notice" add constraint "supplier_notice_follow_up_task_id_foreign" foreign key ("follow_up_task_id") references "follow_up_task" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "supplier_notice" cascade;`);
    this.addSql(`alter table "purchase_order" add column "supplier_code" varchar(32) null, add column "supplier_name" varchar(255) null;`);
    this.addSql(
      `update "purchase_order" po set "supplier_code" = s.code, "supplier_name" = s.name from "supplier" s where s.id = po.supplier_id;`,
    );
    this.addSql(`alter table "purchase_order" alter column "supplier_code" set not null, alter column "supplier_name" set not null;`);
    this.addSql(`alter table "purchase_order" drop constraint "purchase_order_supplier_id_foreign";`);
    this.addSql(`alter table "purchase_order" drop column "supplier_id";`);
    this.addSql(`drop table if exists "supplier" cascade;`);
  }
}
