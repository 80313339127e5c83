import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook endpoints, their deliveries, and the dispatcher's position in the event feed. The
 * event log (audit_event) is the outbox: the dispatcher turns events after its cursor into
 * deliveries, one per (endpoint, event).
 */
export class Migration20261201110000_Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhook_endpoint" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "url" varchar(2000) not null, "kind" varchar(16) not null, "description" varchar(500) not null default '', "event_types" jsonb not null, "payload_query" text null, "enabled" boolean not null default true, "disabled_reason" varchar(300) null, "secret_sealed" text null, "secret_hint" varchar(8) null, "owner_user_id" uuid null references "app_user" ("id"), "owner_api_key_id" uuid null references "api_key" ("id"), "failing_since" timestamptz null, "last_delivery_at" timestamptz null, constraint "webhook_endpoint_pkey" primary key ("id"), constraint "webhook_endpoint_kind_check" check ("kind" in ('GENERIC', 'WECOM', 'DINGTALK', 'FEISHU')), constraint "webhook_endpoint_one_owner" check (("owner_user_id" is null) <> ("owner_api_key_id" is null)));`,
    );
    this.addSql(`create index "webhook_endpoint_enabled_idx" on "webhook_endpoint" ("created_at") where "enabled";`);
    this.addSql(
      `create index "webhook_endpoint_owner_api_key_idx" on "webhook_endpoint" ("owner_api_key_id") where "owner_api_key_id" is not null;`,
    );
    this.addSql(
      `create table "webhook_delivery" ("id" uuid not null, "created_at" timestamptz not null default now(), "endpoint_id" uuid not null references "webhook_endpoint" ("id") on delete cascade, "event_id" uuid null, "webhook_id" varchar(64) not null, "event_type" varchar(64) null, "event_sequence" bigint null, "status" varchar(16) not null default 'PENDING', "attempts" int not null default 0, "last_attempt_at" timestamptz null, "response_status" int null, "latency_ms" int null, "response_excerpt" text null, "error" varchar(500) null, "next_attempt_at" timestamptz null, "test" boolean not null default false, constraint "webhook_delivery_pkey" primary key ("id"), constraint "webhook_delivery_status_check" check ("status" in ('PENDING', 'SUCCEEDED', 'RETRYING', 'FAILED')), constraint "webhook_delivery_event_or_test" check (("event_id" is null) = "test"));`,
    );
    // One delivery per endpoint and event: a dispatch run again (a crash before its commit, the
    // safety-net run) finds the row and creates nothing twice. Tests (event_id null) are free.
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_event_unique" unique ("endpoint_id", "event_id");`,
    );
    this.addSql(`create index "webhook_delivery_endpoint_created_idx" on "webhook_delivery" ("endpoint_id", "created_at", "id");`);
    // The dispatcher's position in the event feed: one row, locked while a dispatch runs.
    this.addSql(
      `create table "webhook_dispatch_state" ("id" smallint not null default 1, "cursor" text null, "updated_at" timestamptz not null default now(), constraint "webhook_dispatch_state_pkey" primary key ("id"), constraint "webhook_dispatch_state_single" check ("id" = 1));`,
    );
    this.addSql(`insert into "webhook_dispatch_state" ("id", "cursor") values (1, null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
    this.addSql(`drop table if exists "webhook_endpoint" cascade;`);
    this.addSql(`drop table if exists "webhook_dispatch_state" cascade;`);
  }
}
