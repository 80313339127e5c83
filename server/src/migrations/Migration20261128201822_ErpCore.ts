import { Migration } from '@mikro-orm/migrations';

export class Migration20261128201822_ErpCore extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    // Instance-wide settings (e.g. the token signing key when AUTH_SECRET is not set).
    this.addSql(`create table "app_setting" ("key" text primary key, "value" text not null);`);
    this.addSql(
      `create table "customer" ("id" uuid not null, "created_at" timestamptz not null default now(), "code" varchar(32) not null, "name" varchar(255) not null, "name_en" varchar(255) null, "contact_name" varchar(255) not null, "email" varchar(255) not null, "phone" varchar(255) null, "city" varchar(255) not null, "termination_count" int not null default 0, "last_termination_at" timestamptz null, "notes" text null, constraint "customer_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "customer" add constraint "customer_code_unique" unique ("code");`);
    this.addSql(`create index customer_name_trgm on customer using gin (name gin_trgm_ops);`);

    this.addSql(
      `create table "contract" ("id" uuid not null, "created_at" timestamptz not null default now(), "number" varchar(32) not null, "customer_id" uuid not null, "title" varchar(255) not null, "notice_days" int not null, "fee_schedule" jsonb not null, "customer_confirmation_required" boolean not null, "clauses" jsonb not null, "valid_from" date not null, constraint "contract_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "contract" add constraint "contract_number_unique" unique ("number");`);
    this.addSql(`create index "contract_customer_id_index" on "contract" ("customer_id");`);

    this.addSql(
      `create table "department" ("code" varchar(32) not null, "name_zh" varchar(255) not null, "name_en" varchar(255) not null, "active" boolean not null default true, constraint "department_pkey" primary key ("code"));`,
    );

    this.addSql(
      `create table "product" ("id" uuid not null, "created_at" timestamptz not null default now(), "sku" varchar(32) not null, "name" varchar(255) not null, "name_en" varchar(255) null, "unit" varchar(16) not null, "list_price" numeric(14,2) not null, "status" text check ("status" in ('ACTIVE', 'DISCONTINUED')) not null default 'ACTIVE', constraint "product_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "product" add constraint "product_sku_unique" unique ("sku");`);
    this.addSql(`create index product_name_trgm on product using gin (name gin_trgm_ops);`);

    this.addSql(
      `create table "purchase_order" ("id" uuid not null, "created_at" timestamptz not null default now(), "number" varchar(32) not null, "supplier_code" varchar(32) not null, "supplier_name" varchar(255) not null, "status" text check ("status" in ('DRAFT', 'SENT', 'CONFIRMED', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED')) not null, "currency" varchar(3) not null, "order_date" date not null, "cancellation_penalty_rate" numeric(5,4) not null default '0', "version" int not null default 1, constraint "purchase_order_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "purchase_order" add constraint "purchase_order_number_unique" unique ("number");`);

    this.addSql(
      `create table "sales_order" ("id" uuid not null, "created_at" timestamptz not null default now(), "number" varchar(32) not null, "customer_id" uuid not null, "contract_id" uuid not null, "status" text check ("status" in ('DRAFT', 'CONFIRMED', 'IN_PRODUCTION', 'PARTIALLY_SHIPPED', 'SHIPPED', 'COMPLETED', 'TERMINATION_PENDING', 'PARTIALLY_TERMINATED', 'TERMINATED')) not null, "status_before_termination" text check ("status_before_termination" in ('DRAFT', 'CONFIRMED', 'IN_PRODUCTION', 'PARTIALLY_SHIPPED', 'SHIPPED', 'COMPLETED', 'TERMINATION_PENDING', 'PARTIALLY_TERMINATED', 'TERMINATED')) null, "stage" text check ("stage" in ('BEFORE_PURCHASING', 'PURCHASING_CONFIRMED', 'IN_PRODUCTION', 'SHIPPING')) not null, "currency" varchar(3) not null, "total_amount" numeric(14,2) not null, "order_date" date not null, "requested_delivery_date" date null, "version" int not null default 1, constraint "sales_order_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "sales_order" add constraint "sales_order_number_unique" unique ("number");`);
    this.addSql(`create index "sales_order_customer_id_index" on "sales_order" ("customer_id");`);
    this.addSql(`create index "sales_order_contract_id_index" on "sales_order" ("contract_id");`);
    this.addSql(`create index "sales_order_status_index" on "sales_order" ("status");`);
    this.addSql(`create index "sales_order_list_idx" on "sales_order" ("order_date", "id");`);
    this.addSql(`create index sales_order_number_trgm on sales_order using gin (number gin_trgm_ops);`);

    this.addSql(
      `create table "payment" ("id" uuid not null, "created_at" timestamptz not null default now(), "reference" varchar(32) not null, "order_id" uuid not null, "amount" numeric(14,2) not null, "method" varchar(16) not null, "paid_on" date not null, constraint "payment_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "payment" add constraint "payment_reference_unique" unique ("reference");`);
    this.addSql(`create index "payment_order_id_index" on "payment" ("order_id");`);

    this.addSql(
      `create table "invoice" ("id" uuid not null, "created_at" timestamptz not null default now(), "number" varchar(32) not null, "order_id" uuid not null, "amount" numeric(14,2) not null, "issued_on" date not null, constraint "invoice_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "invoice" add constraint "invoice_number_unique" unique ("number");`);
    this.addSql(`create index "invoice_order_id_index" on "invoice" ("order_id");`);

    this.addSql(
      `create table "sales_order_line" ("id" uuid not null, "created_at" timestamptz not null default now(), "order_id" uuid not null, "line_no" int not null, "product_id" uuid not null, "quantity" int not null, "shipped_quantity" int not null default 0, "terminated_quantity" int not null default 0, "unit_price" numeric(14,2) not null, constraint "sales_order_line_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "sales_order_line_product_id_index" on "sales_order_line" ("product_id");`);
    this.addSql(`alter table "sales_order_line" add constraint "sales_order_line_order_id_line_no_unique" unique ("order_id", "line_no");`);

    this.addSql(
      `create table "purchase_order_line" ("id" uuid not null, "created_at" timestamptz not null default now(), "purchase_order_id" uuid not null, "product_id" uuid not null, "sales_order_line_id" uuid not null, "quantity" int not null, "received_quantity" int not null default 0, "cancelled_quantity" int not null default 0, "unit_cost" numeric(14,2) not null, constraint "purchase_order_line_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "purchase_order_line_purchase_order_id_index" on "purchase_order_line" ("purchase_order_id");`);
    this.addSql(`create index "purchase_order_line_sales_order_line_id_index" on "purchase_order_line" ("sales_order_line_id");`);

    this.addSql(
      `create table "shipment" ("id" uuid not null, "created_at" timestamptz not null default now(), "number" varchar(32) not null, "order_id" uuid not null, "line_id" uuid not null, "quantity" int not null, "status" text check ("status" in ('IN_TRANSIT', 'DELIVERED')) not null, "carrier" varchar(255) not null, "shipped_at" timestamptz not null, "delivered_at" timestamptz null, constraint "shipment_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "shipment" add constraint "shipment_number_unique" unique ("number");`);
    this.addSql(`create index "shipment_order_id_index" on "shipment" ("order_id");`);
    this.addSql(`create index "shipment_line_id_index" on "shipment" ("line_id");`);

    this.addSql(
      `create table "app_user" ("id" uuid not null, "created_at" timestamptz not null default now(), "email" varchar(255) not null, "name" varchar(255) not null, "password_hash" varchar(255) not null, "role" text check ("role" in ('ADMIN', 'CLERK', 'DEPT_HEAD', 'AUDITOR')) not null, "department_code" varchar(32) null, "active" boolean not null default true, "password_changed_at" timestamptz not null default now(), constraint "app_user_pkey" primary key ("id"));`,
    );
    this.addSql(`create unique index app_user_email_unique on app_user (lower(email));`);

    this.addSql(
      `create table "user_session" ("id" uuid not null, "created_at" timestamptz not null default now(), "user_id" uuid not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "user_agent" varchar(255) null, constraint "user_session_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "user_session_user_id_index" on "user_session" ("user_id");`);

    this.addSql(
      `create table "warehouse" ("id" uuid not null, "created_at" timestamptz not null default now(), "code" varchar(16) not null, "name" varchar(255) not null, "city" varchar(255) not null, constraint "warehouse_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "warehouse" add constraint "warehouse_code_unique" unique ("code");`);

    this.addSql(
      `create table "stock_level" ("id" uuid not null, "created_at" timestamptz not null default now(), "warehouse_id" uuid not null, "product_id" uuid not null, "on_hand" int not null, "reserved" int not null, constraint "stock_level_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "stock_level_product_id_index" on "stock_level" ("product_id");`);
    this.addSql(
      `alter table "stock_level" add constraint "stock_level_warehouse_id_product_id_unique" unique ("warehouse_id", "product_id");`,
    );

    this.addSql(
      `create table "reservation" ("id" uuid not null, "created_at" timestamptz not null default now(), "sales_order_line_id" uuid not null, "warehouse_id" uuid not null, "product_id" uuid not null, "quantity" int not null, "status" text check ("status" in ('ACTIVE', 'RELEASED', 'CONSUMED')) not null, "released_at" timestamptz null, constraint "reservation_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "reservation_sales_order_line_id_index" on "reservation" ("sales_order_line_id");`);

    this.addSql(
      `alter table "contract" add constraint "contract_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "sales_order" add constraint "sales_order_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "sales_order" add constraint "sales_order_contract_id_foreign" foreign key ("contract_id") references "contract" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "payment" add constraint "payment_order_id_foreign" foreign key ("order_id") references "sales_order" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "invoice" add constraint "invoice_order_id_foreign" foreign key ("order_id") references "sales_order" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "sales_order_line" add constraint "sales_order_line_order_id_foreign" foreign key ("order_id") references "sales_order" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "sales_order_line" add constraint "sales_order_line_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "purchase_order_line" add constraint "purchase_order_line_purchase_order_id_foreign" foreign key ("purchase_order_id") references "purchase_order" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "purchase_order_line" add constraint "purchase_order_line_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "purchase_order_line" add constraint "purchase_order_line_sales_order_line_id_foreign" foreign key ("sales_order_line_id") references "sales_order_line" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "shipment" add constraint "shipment_order_id_foreign" foreign key ("order_id") references "sales_order" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "shipment" add constraint "shipment_line_id_foreign" foreign key ("line_id") references "sales_order_line" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "app_user" add constraint "app_user_department_code_foreign" foreign key ("department_code") references "department" ("code") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "user_session" add constraint "user_session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "stock_level" add constraint "stock_level_warehouse_id_foreign" foreign key ("warehouse_id") references "warehouse" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "stock_level" add constraint "stock_level_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "reservation" add constraint "reservation_sales_order_line_id_foreign" foreign key ("sales_order_line_id") references "sales_order_line" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "reservation" add constraint "reservation_warehouse_id_foreign" foreign key ("warehouse_id") references "warehouse" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "reservation" add constraint "reservation_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "contract" drop constraint "contract_customer_id_foreign";`);

    this.addSql(`alter table "sales_order" drop constraint "sales_order_customer_id_foreign";`);

    this.addSql(`alter table "sales_order" drop constraint "sales_order_contract_id_foreign";`);

    this.addSql(`alter table "app_user" drop constraint "app_user_department_code_foreign";`);

    this.addSql(`alter table "sales_order_line" drop constraint "sales_order_line_product_id_foreign";`);

    this.addSql(`alter table "purchase_order_line" drop constraint "purchase_order_line_product_id_foreign";`);

    this.addSql(`alter table "stock_level" drop constraint "stock_level_product_id_foreign";`);

    this.addSql(`alter table "reservation" drop constraint "reservation_product_id_foreign";`);

    this.addSql(`alter table "purchase_order_line" drop constraint "purchase_order_line_purchase_order_id_foreign";`);

    this.addSql(`alter table "payment" drop constraint "payment_order_id_foreign";`);

    this.addSql(`alter table "invoice" drop constraint "invoice_order_id_foreign";`);

    this.addSql(`alter table "sales_order_line" drop constraint "sales_order_line_order_id_foreign";`);

    this.addSql(`alter table "shipment" drop constraint "shipment_order_id_foreign";`);

    this.addSql(`alter table "purchase_order_line" drop constraint "purchase_order_line_sales_order_line_id_foreign";`);

    this.addSql(`alter table "shipment" drop constraint "shipment_line_id_foreign";`);

    this.addSql(`alter table "reservation" drop constraint "reservation_sales_order_line_id_foreign";`);

    this.addSql(`alter table "user_session" drop constraint "user_session_user_id_foreign";`);

    this.addSql(`alter table "stock_level" drop constraint "stock_level_warehouse_id_foreign";`);

    this.addSql(`alter table "reservation" drop constraint "reservation_warehouse_id_foreign";`);

    this.addSql(`drop table if exists "customer" cascade;`);

    this.addSql(`drop table if exists "contract" cascade;`);

    this.addSql(`drop table if exists "department" cascade;`);

    this.addSql(`drop table if exists "product" cascade;`);

    this.addSql(`drop table if exists "purchase_order" cascade;`);

    this.addSql(`drop table if exists "sales_order" cascade;`);

    this.addSql(`drop table if exists "payment" cascade;`);

    this.addSql(`drop table if exists "invoice" cascade;`);

    this.addSql(`drop table if exists "sales_order_line" cascade;`);

    this.addSql(`drop table if exists "purchase_order_line" cascade;`);

    this.addSql(`drop table if exists "shipment" cascade;`);

    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`drop table if exists "user_session" cascade;`);

    this.addSql(`drop table if exists "warehouse" cascade;`);

    this.addSql(`drop table if exists "stock_level" cascade;`);

    this.addSql(`drop table if exists "reservation" cascade;`);
  }
}
