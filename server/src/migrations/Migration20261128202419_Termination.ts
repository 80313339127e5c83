import { Migration } from '@mikro-orm/migrations';

const REASONS: [string, string, string, string, boolean, boolean, number][] = [
  ['CUSTOMER_CANCELLATION', '客户取消订单', 'Customer cancelled the order', 'CUSTOMER', true, false, 10],
  ['CUSTOMER_CHANGE', '客户变更需求', 'Customer changed requirements', 'CUSTOMER', true, false, 20],
  ['PRODUCT_DISCONTINUED', '产品停产', 'Product discontinued', 'PRODUCT', true, false, 30],
  ['SUPPLY_UNAVAILABLE', '无法供货', 'Supply unavailable', 'SUPPLY', true, false, 40],
  ['CREDIT_RISK', '客户信用风险', 'Customer credit risk', 'FINANCIAL', false, false, 50],
  ['DUPLICATE_ORDER', '重复下单', 'Duplicate order', 'CUSTOMER', false, false, 60],
  ['INTERNAL_DECISION', '公司内部决策', 'Internal decision', 'INTERNAL', true, false, 70],
  ['OTHER', '其他', 'Other', 'OTHER', true, true, 80],
];

/** The default approval policy (ARCHITECTURE §1.5); admins edit it afterwards. */
export const DEFAULT_RULES = [
  {
    code: 'SALES_ALWAYS',
    department: 'SALES',
    stage: 1,
    slaHours: 24,
    condition: { always: true },
    zh: '销售部始终审批',
    en: 'Sales always approves',
  },
  {
    code: 'PURCHASING_PO_AFFECTED',
    department: 'PURCHASING',
    stage: 2,
    slaHours: 48,
    condition: { fact: 'purchaseOrdersAffected', op: 'gt', value: 0 },
    zh: '涉及采购单取消或减少时采购部审批',
    en: 'Purchasing approves when purchase orders are cancelled or reduced',
  },
  {
    code: 'WAREHOUSE_STOCK_AFFECTED',
    department: 'WAREHOUSE',
    stage: 2,
    slaHours: 48,
    condition: {
      any: [
        { fact: 'reservationsReleased', op: 'gt', value: 0 },
        { fact: 'shipmentsAffected', op: 'gt', value: 0 },
      ],
    },
    zh: '涉及库存预留或发货时仓储部审批',
    en: 'Warehouse approves when reservations or shipments are affected',
  },
  {
    code: 'FINANCE_MONEY_MOVES',
    department: 'FINANCE',
    stage: 3,
    slaHours: 48,
    condition: {
      any: [
        { fact: 'amountInvoiced', op: 'gt', value: 0 },
        { fact: 'amountPaid', op: 'gt', value: 0 },
        { fact: 'cancellationFee', op: 'gt', value: 0 },
      ],
    },
    zh: '已开票、已收款或产生违约金时财务部审批',
    en: 'Finance approves when anything was invoiced or paid or a fee applies',
  },
  {
    code: 'MANAGEMENT_LARGE_OR_INTERNAL',
    department: 'MANAGEMENT',
    stage: 4,
    slaHours: 72,
    condition: {
      any: [
        { fact: 'orderValue', op: 'gt', value: 500000 },
        { fact: 'reasonCode', op: 'eq', value: 'INTERNAL_DECISION' },
      ],
    },
    zh: '订单金额超过 50 万或公司内部决策时总经办审批',
    en: 'Management approves orders above 500,000 or internal decisions',
  },
];

export class Migration20261128202419_Termination extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "approval_rule" ("id" uuid not null, "created_at" timestamptz not null default now(), "code" varchar(40) not null, "department" varchar(32) not null, "stage" int not null, "condition" jsonb not null, "sla_hours" int not null, "description_zh" varchar(255) not null, "description_en" varchar(255) not null, "active" boolean not null default true, constraint "approval_rule_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "approval_rule" add constraint "approval_rule_code_unique" unique ("code");`);

    this.addSql(
      `create table "audit_event" ("id" uuid not null, "created_at" timestamptz not null default now(), "actor_type" varchar(16) not null, "actor_id" varchar(64) null, "actor_name" varchar(255) not null, "action" varchar(64) not null, "termination_id" uuid null, "entity_type" varchar(40) null, "entity_id" varchar(64) null, "data" jsonb not null, constraint "audit_event_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_event_termination_id_created_at_index" on "audit_event" ("termination_id", "created_at");`);

    this.addSql(
      `create table "idempotency_record" ("scope" varchar(120) not null, "key" varchar(200) not null, "request_hash" varchar(64) not null, "result" jsonb not null, "created_at" timestamptz not null default now(), "expires_at" timestamptz not null, constraint "idempotency_record_pkey" primary key ("scope", "key"));`,
    );
    this.addSql(`create index "idempotency_record_expires_at_index" on "idempotency_record" ("expires_at");`);

    this.addSql(
      `create table "mail_message" ("id" uuid not null, "created_at" timestamptz not null default now(), "recipient" varchar(255) not null, "subject" varchar(255) not null, "text" text not null, "html" text not null, "status" text check ("status" in ('QUEUED', 'SENT', 'FAILED')) not null, "transport" varchar(8) not null, "termination_id" uuid null, "sent_at" timestamptz null, "attempts" int not null default 0, "last_error" text null, constraint "mail_message_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "mail_message_termination_id_index" on "mail_message" ("termination_id");`);

    this.addSql(
      `create table "notification" ("id" uuid not null, "created_at" timestamptz not null default now(), "user_id" uuid not null, "kind" varchar(40) not null, "title" varchar(255) not null, "body" text not null, "link" varchar(255) null, "termination_id" uuid null, "read_at" timestamptz null, constraint "notification_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "notification_user_id_created_at_index" on "notification" ("user_id", "created_at");`);

    this.addSql(
      `create table "termination_reason" ("id" uuid not null, "created_at" timestamptz not null default now(), "code" varchar(40) not null, "label_zh" varchar(255) not null, "label_en" varchar(255) not null, "category" text check ("category" in ('CUSTOMER', 'PRODUCT', 'SUPPLY', 'FINANCIAL', 'INTERNAL', 'OTHER')) not null, "customer_confirmation_default" boolean not null, "explanation_required" boolean not null default false, "active" boolean not null default true, "sort_order" int not null default 100, constraint "termination_reason_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "termination_reason" add constraint "termination_reason_code_unique" unique ("code");`);

    this.addSql(
      `create table "termination" ("id" uuid not null, "created_at" timestamptz not null default now(), "number" varchar(20) not null, "order_id" uuid not null, "reason_id" uuid not null, "explanation" text not null, "status" text check ("status" in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER', 'EFFECTIVE', 'CLOSED', 'REJECTED', 'WITHDRAWN', 'CUSTOMER_DECLINED')) not null, "scope" text check ("scope" in ('FULL', 'PARTIAL')) not null, "requested_by_id" uuid not null, "customer_confirmation_required" boolean not null, "impact" jsonb not null, "effect_blockers" jsonb null, "effect_blocked_at" timestamptz null, "status_changed_at" timestamptz not null default now(), "effective_at" timestamptz null, "closed_at" timestamptz null, "bulk_run_id" uuid null, "version" int not null default 1, constraint "termination_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "termination" add constraint "termination_number_unique" unique ("number");`);
    this.addSql(`create index "termination_order_id_index" on "termination" ("order_id");`);
    this.addSql(`create index "termination_status_index" on "termination" ("status");`);
    this.addSql(`create index "termination_bulk_run_id_index" on "termination" ("bulk_run_id");`);
    this.addSql(`create index "termination_list_idx" on "termination" ("created_at", "id");`);
    this.addSql(
      `create unique index termination_one_active_per_order on termination (order_id) where status in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER');`,
    );

    this.addSql(
      `create table "termination_line" ("id" uuid not null, "created_at" timestamptz not null default now(), "termination_id" uuid not null, "sales_order_line_id" uuid not null, "quantity" int not null, "amount" numeric(14,2) not null, constraint "termination_line_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "termination_line_termination_id_index" on "termination_line" ("termination_id");`);
    this.addSql(`create index "termination_line_sales_order_line_id_index" on "termination_line" ("sales_order_line_id");`);
    this.addSql(
      `alter table "termination_line" add constraint "termination_line_termination_id_sales_order_line_id_unique" unique ("termination_id", "sales_order_line_id");`,
    );

    this.addSql(
      `create table "settlement" ("id" uuid not null, "created_at" timestamptz not null default now(), "termination_id" uuid not null, "kind" text check ("kind" in ('REFUND', 'FEE', 'NONE')) not null, "status" text check ("status" in ('OPEN', 'COMPLETED')) not null, "currency" varchar(3) not null, "terminated_value" numeric(14,2) not null, "amount_paid" numeric(14,2) not null, "cancellation_fee" numeric(14,2) not null, "refund_due" numeric(14,2) not null, "fee_outstanding" numeric(14,2) not null, "completed_at" timestamptz null, constraint "settlement_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "settlement" add constraint "settlement_termination_id_unique" unique ("termination_id");`);

    this.addSql(
      `create table "customer_confirmation" ("id" uuid not null, "created_at" timestamptz not null default now(), "termination_id" uuid not null, "token_hash" varchar(64) not null, "status" text check ("status" in ('PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'SUPERSEDED')) not null, "recipient" varchar(255) not null, "sent_at" timestamptz not null, "expires_at" timestamptz not null, "reminded_at" timestamptz null, "responded_at" timestamptz null, "note" text null, "preferred_resolution" text check ("preferred_resolution" in ('REFUND', 'REPLACEMENT', 'RESCHEDULE', 'CREDIT_NOTE')) null, constraint "customer_confirmation_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "customer_confirmation_termination_id_index" on "customer_confirmation" ("termination_id");`);
    this.addSql(`alter table "customer_confirmation" add constraint "customer_confirmation_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "customer_confirmation_expires_at_index" on "customer_confirmation" ("expires_at");`);

    this.addSql(
      `create table "follow_up_task" ("id" uuid not null, "created_at" timestamptz not null default now(), "termination_id" uuid not null, "kind" text check ("kind" in ('SUPPLIER_CANCELLATION', 'STOCK_CONFIRMATION', 'SETTLEMENT', 'CUSTOMER_OUTCOME', 'CUSTOMER_RECORD')) not null, "department" varchar(32) not null, "instructions" text not null, "due_at" timestamptz not null, "status" text check ("status" in ('OPEN', 'DONE')) not null, "outcome" text check ("outcome" in ('REFUND', 'REPLACEMENT', 'RESCHEDULE', 'CREDIT_NOTE', 'NONE')) null, "outcome_details" text null, "note" text null, "completed_by_id" uuid null, "completed_at" timestamptz null, "overdue_notified_at" timestamptz null, constraint "follow_up_task_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "follow_up_task_termination_id_index" on "follow_up_task" ("termination_id");`);
    this.addSql(`create index "follow_up_task_department_status_index" on "follow_up_task" ("department", "status");`);

    this.addSql(
      `create table "approval_step" ("id" uuid not null, "created_at" timestamptz not null default now(), "termination_id" uuid not null, "stage" int not null, "department" varchar(32) not null, "rule_code" varchar(40) not null, "status" text check ("status" in ('WAITING', 'PENDING', 'APPROVED', 'REJECTED', 'SKIPPED')) not null, "sla_hours" int not null, "decided_by_id" uuid null, "decided_at" timestamptz null, "comment" text null, "activated_at" timestamptz null, "due_at" timestamptz null, "overdue_notified_at" timestamptz null, constraint "approval_step_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "approval_step_termination_id_index" on "approval_step" ("termination_id");`);
    this.addSql(`create index "approval_step_department_index" on "approval_step" ("department");`);
    this.addSql(`create index "approval_step_status_index" on "approval_step" ("status");`);
    this.addSql(`create index "approval_step_due_at_index" on "approval_step" ("due_at");`);

    this.addSql(
      `alter table "termination" add constraint "termination_order_id_foreign" foreign key ("order_id") references "sales_order" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "termination" add constraint "termination_reason_id_foreign" foreign key ("reason_id") references "termination_reason" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "termination" add constraint "termination_requested_by_id_foreign" foreign key ("requested_by_id") references "app_user" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "termination_line" add constraint "termination_line_termination_id_foreign" foreign key ("termination_id") references "termination" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "termination_line" add constraint "termination_line_sales_order_line_id_foreign" foreign key ("sales_order_line_id") references "sales_order_line" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "settlement" add constraint "settlement_termination_id_foreign" foreign key ("termination_id") references "termination" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "customer_confirmation" add constraint "customer_confirmation_termination_id_foreign" foreign key ("termination_id") references "termination" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "follow_up_task" add constraint "follow_up_task_termination_id_foreign" foreign key ("termination_id") references "termination" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "follow_up_task" add constraint "follow_up_task_completed_by_id_foreign" foreign key ("completed_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "approval_step" add constraint "approval_step_termination_id_foreign" foreign key ("termination_id") references "termination" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "approval_step" add constraint "approval_step_decided_by_id_foreign" foreign key ("decided_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(`create sequence termination_number_seq;`);

    // The audit trail is append-only: the database itself refuses to change or remove a row.
    this.addSql(`create function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only (% refused)', tg_op using errcode = 'P0001';
      end $$;`);
    this.addSql(`create trigger audit_event_no_update before update or delete on audit_event
      for each row execute function audit_event_append_only();`);
    this.addSql(`create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function audit_event_append_only();`);

    // Reference data every installation needs (not demo data): the reason catalog and the default policy.
    for (const [code, zh, en, category, confirm, explain, order] of REASONS) {
      this.addSql(
        this.getKnex().raw(
          `insert into termination_reason (id, code, label_zh, label_en, category, customer_confirmation_default, explanation_required, active, sort_order)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, true, ?)`,
          [code, zh, en, category, confirm, explain, order],
        ),
      );
    }
    for (const rule of DEFAULT_RULES) {
      this.addSql(
        this.getKnex().raw(
          `insert into approval_rule (id, code, department, stage, condition, sla_hours, description_zh, description_en, active)
         values (gen_random_uuid(), ?, ?, ?, ?::jsonb, ?, ?, ?, true)`,
          [rule.code, rule.department, rule.stage, JSON.stringify(rule.condition), rule.slaHours, rule.zh, rule.en],
        ),
      );
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists audit_event_no_update on audit_event;`);
    this.addSql(`drop trigger if exists audit_event_no_truncate on audit_event;`);
    this.addSql(`drop function if exists audit_event_append_only();`);
    this.addSql(`drop sequence if exists termination_number_seq;`);
    this.addSql(`alter table "termination" drop constraint "termination_reason_id_foreign";`);

    this.addSql(`alter table "termination_line" drop constraint "termination_line_termination_id_foreign";`);

    this.addSql(`alter table "settlement" drop constraint "settlement_termination_id_foreign";`);

    this.addSql(`alter table "customer_confirmation" drop constraint "customer_confirmation_termination_id_foreign";`);

    this.addSql(`alter table "follow_up_task" drop constraint "follow_up_task_termination_id_foreign";`);

    this.addSql(`alter table "approval_step" drop constraint "approval_step_termination_id_foreign";`);

    this.addSql(`drop table if exists "approval_rule" cascade;`);

    this.addSql(`drop table if exists "audit_event" cascade;`);

    this.addSql(`drop table if exists "idempotency_record" cascade;`);

    this.addSql(`drop table if exists "mail_message" cascade;`);

    this.addSql(`drop table if exists "notification" cascade;`);

    this.addSql(`drop table if exists "termination_reason" cascade;`);

    this.addSql(`drop table if exists "termination" cascade;`);

    this.addSql(`drop table if exists "termination_line" cascade;`);

    this.addSql(`drop table if exists "settlement" cascade;`);

    this.addSql(`drop table if exists "customer_confirmation" cascade;`);

    this.addSql(`drop table if exists "follow_up_task" cascade;`);

    this.addSql(`drop table if exists "approval_step" cascade;`);
  }
}
