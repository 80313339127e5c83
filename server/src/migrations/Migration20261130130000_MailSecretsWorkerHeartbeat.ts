import { Migration } from '@mikro-orm/migrations';

/** A link carrying a confirmation token, as a PostgreSQL regular expression inside a '…' literal. */
const LIVE_LINK = `(http|https)://[^[:space:]"''<>]+/confirm/[A-Za-z0-9_-]{43}`;

export class Migration20261130130000_MailSecretsWorkerHeartbeat extends Migration {
  override async up(): Promise<void> {
    // The live secrets (confirmation links) in a message's text and html, blanked out of both
    // once the message has been handed to SMTP.
    this.addSql(`alter table "mail_message" add column "secrets" jsonb null;`);
    // Messages not sent yet: remember their links so that sending redacts them.
    this
      .addSql(`update "mail_message" m set "secrets" = (select jsonb_agg(distinct l[1]) from regexp_matches(m."text", '(${LIVE_LINK})', 'g') l(l))
      where m."status" <> 'SENT' and m."text" ~ '${LIVE_LINK}';`);
    // Messages already handed to SMTP kept their links: remove them now.
    this.addSql(`update "mail_message" set
        "text" = regexp_replace("text", '${LIVE_LINK}', '[link removed after sending]', 'g'),
        "html" = regexp_replace("html", '${LIVE_LINK}', '[link removed after sending]', 'g')
      where "status" = 'SENT' and "transport" = 'smtp';`);

    // Each job worker's last sign of life; jobs locked by a worker silent for long are freed.
    this.addSql(
      `create table "worker_heartbeat" ("worker_id" text not null primary key, "last_seen_at" timestamptz not null default now());`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "worker_heartbeat";`);
    this.addSql(`alter table "mail_message" drop column "secrets";`);
  }
}
