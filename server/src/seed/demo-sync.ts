import type { EntityManager } from '@mikro-orm/postgresql';
import { runSync, SYNC_KINDS } from '../modules/sync/sync-engine.js';
import { SyncOutcome } from '../modules/sync/sync-record.js';
import { MAX_SYNC_RECORDS } from '../modules/sync/sync.types.js';
import { demoRecords, type DemoHistory, type DemoRecords } from './demo-records.js';
import { buildDemoBusiness } from './erp-seed.js';
import { demoExchangeRates } from './exchange-rate-seed.js';

/** The sending system the demo data comes from, as an ERP's name would be. */
export const DEMO_SOURCE = 'DEMO';

/**
 * The records split into calls as a partner would send them: at most MAX_SYNC_RECORDS a call,
 * kinds in dependency order, so that a record references rows of its own call or earlier ones.
 */
export function* syncCalls(records: Partial<DemoRecords>): Generator<Record<string, unknown[]>> {
  let call: Record<string, unknown[]> = {};
  let size = 0;
  for (const { field } of SYNC_KINDS) {
    for (const record of (records as Record<string, unknown[] | undefined>)[field] ?? []) {
      if (size === MAX_SYNC_RECORDS) {
        yield call;
        call = {};
        size = 0;
      }
      (call[field] ??= []).push(record);
      size += 1;
    }
  }
  if (size) yield call;
}

/**
 * Loads the demo business through the sync engine that syncRecords runs, inside the caller's
 * transaction: what the demo shows passed the checks and writes an ERP's data passes. Every
 * record must be CREATED (the seed runs on an empty ERP schema); anything else is a bug in
 * the demo data and stops the seed. Returns the records created by kind.
 */
export async function syncDemoRecords(em: EntityManager, records: DemoRecords, history: DemoHistory): Promise<Record<string, number>> {
  const created: Record<string, number> = {};
  for (const call of syncCalls(records)) {
    const rows = await runSync(em, DEMO_SOURCE, call);
    const refused = rows.filter((r) => r.outcome !== SyncOutcome.CREATED);
    if (refused.length) throw new Error(`demo seed: ${refused.length} records not created: ${JSON.stringify(refused.slice(0, 3))}`);
    for (const row of rows) created[row.kind] = (created[row.kind] ?? 0) + 1;
    // As the service does after a call; a fresh unit of work keeps each flush small.
    await em.flush();
    em.clear();
  }
  await backdate(em, history);
  return created;
}

/** Dates the demo rows back to when the demo business entered them; lines were entered with their order. */
async function backdate(em: EntityManager, history: DemoHistory): Promise<void> {
  for (const { field, entity } of SYNC_KINDS) {
    const dates = history[field as keyof DemoRecords];
    if (!dates?.size) continue;
    const rows = [...dates].map(([externalId, createdAt]) => ({ external_id: externalId, created_at: createdAt.toISOString() }));
    await em.execute(
      `update "${em.getMetadata().get(entity.name).tableName}" t set created_at = x.created_at
         from jsonb_to_recordset(?::jsonb) as x(external_id text, created_at timestamptz)
        where t.source = ? and t.external_id = x.external_id`,
      [JSON.stringify(rows), DEMO_SOURCE],
    );
  }
  await em.execute(`update sales_order_line l set created_at = o.created_at from sales_order o where l.order_id = o.id and o.source = ?`, [
    DEMO_SOURCE,
  ]);
  await em.execute(
    `update purchase_order_line l set created_at = po.created_at from purchase_order po where l.purchase_order_id = po.id and po.source = ?`,
    [DEMO_SOURCE],
  );
}

/**
 * Demo data for the ERP core (see buildDemoBusiness) and the demo exchange rates, sent through
 * ERP sync as source DEMO. Runs on an empty ERP schema inside the caller's transaction.
 */
export function seedErpData(em: EntityManager): Promise<Record<string, number>> {
  const { records, history } = demoRecords(buildDemoBusiness(), demoExchangeRates());
  return syncDemoRecords(em, records, history);
}
