import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook senders claim every pending first attempt rather than a list of ids (issue #15, B7):
 * the claim reads the oldest claimable ones, so they get an index of their own that holds only
 * them (a delivered or retried row leaves it).
 */
export class Migration20261205100000_WebhookFirstAttempts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists "webhook_delivery_first_attempt_idx" on "webhook_delivery" ("next_attempt_at") where "status" = 'PENDING' and "attempts" = 0 and "event_id" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "webhook_delivery_first_attempt_idx";`);
  }
}
