import type { TestServer } from './server.js';

/**
 * What "changed nothing" means for the business: every row of these tables, as text.
 * Columns that merely record that something was read or tried (api_key.last_used_at,
 * sessions, audit of refusals) are left out on purpose: a refused call may touch them.
 */
const BUSINESS_TABLES: Record<string, string> = {
  termination: `select * from termination`,
  termination_line: `select * from termination_line`,
  approval_step: `select * from approval_step`,
  approval_deputy: `select * from approval_deputy`,
  termination_reason: `select * from termination_reason`,
  approval_rule: `select * from approval_rule`,
  exchange_rate: `select id, from_currency, to_currency, rate, valid_from, source from exchange_rate`,
  api_key: `select id, name, prefix, secret_hash, scopes, created_by_id, expires_at, revoked_at from api_key`,
  follow_up_task: `select * from follow_up_task`,
  customer_confirmation: `select * from customer_confirmation`,
  settlement: `select * from settlement`,
  sales_order: `select id, status, status_before_termination from sales_order`,
  sales_order_line: `select id, quantity, shipped_quantity, terminated_quantity from sales_order_line`,
  purchase_order: `select id, status from purchase_order`,
  reservation: `select * from reservation`,
  notification: `select id, user_id, kind, read_at from notification`,
  app_user: `select id, email, password_hash, active, role from app_user`,
  idempotency_record: `select scope, key, request_hash from idempotency_record`,
  calendar_day: `select * from calendar_day`,
  webhook_endpoint: `select * from webhook_endpoint`,
  webhook_delivery: `select * from webhook_delivery`,
};

export type Checksums = Record<string, string>;

/** One md5 per business table, so that a difference names the table that changed. */
export async function businessChecksums(server: Pick<TestServer, 'sql'>): Promise<Checksums> {
  return tableChecksums(server, BUSINESS_TABLES);
}

/** One md5 per named select (every row as text), in one statement. */
export async function tableChecksums(server: Pick<TestServer, 'sql'>, selects: Record<string, string>): Promise<Checksums> {
  const parts = Object.entries(selects).map(
    ([name, select]) => `select '${name}' as name, md5(coalesce(string_agg(r::text, '|' order by r::text), '')) as hash from (${select}) r`,
  );
  const rows = await server.sql<{ name: string; hash: string }>(parts.join(' union all '));
  return Object.fromEntries(rows.map((r) => [r.name, r.hash]));
}

/** The tables whose checksum differs between two snapshots. */
export function changedTables(before: Checksums, after: Checksums): string[] {
  return Object.keys(before).filter((name) => before[name] !== after[name]);
}
