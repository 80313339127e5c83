import { Migration } from '@mikro-orm/migrations';
import { CHINA_2026, CHINA_2027_STATUTORY } from '../modules/calendar/china-holidays.js';

/**
 * Customer notices (the mail outbox row names its termination and what kind of notice it is),
 * the contract's reply period and what silence means, and the holiday calendar the reply
 * deadline is counted on (seeded with China's 2026 schedule and 2027 statutory days).
 */
export class Migration20261130120000_CustomerNoticesAndReplyDeadlines extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "mail_message" add column "notice_kind" varchar(32) null;`);
    this.addSql(
      `alter table "contract" add column "reply_working_days" int null, add column "silence_means" varchar(16) null, ` +
        `add constraint "contract_reply_working_days_check" check ("reply_working_days" between 1 and 60), ` +
        `add constraint "contract_silence_means_check" check ("silence_means" in ('REFUSAL', 'ACCEPTANCE'));`,
    );
    this.addSql(`alter table "customer_confirmation" add column "deadline_date" date null;`);
    this.addSql(
      `create table "calendar_day" ("date" date not null, "kind" varchar(8) not null check ("kind" in ('HOLIDAY', 'WORKDAY')), ` +
        `"name" varchar(100) not null, "updated_at" timestamptz not null default now(), constraint "calendar_day_pkey" primary key ("date"));`,
    );
    const rows = [...CHINA_2026, ...CHINA_2027_STATUTORY];
    this.addSql(
      `insert into "calendar_day" ("date", "kind", "name") values ${rows
        .map((d) => `('${d.date}', '${d.kind}', '${d.name.replace(/'/g, "''")}')`)
        .join(', ')};`,
    );
    // Contracts whose confirmation clause says "no reply within five working days counts as refusal".
    this.addSql(
      `update "contract" set "reply_working_days" = 5, "silence_means" = 'REFUSAL' where "clauses" @> '[{"code":"CUSTOMER_CONFIRMATION"}]';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "calendar_day";`);
    this.addSql(`alter table "customer_confirmation" drop column "deadline_date";`);
    this.addSql(
      `alter table "contract" drop constraint "contract_silence_means_check", drop constraint "contract_reply_working_days_check", drop column "silence_means", drop column "reply_working_days";`,
    );
    this.addSql(`alter table "mail_message" drop column "notice_kind";`);
  }
}
