import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServerBuilt } from '../harness/process.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

/**
 * Lists have a total order: follow-ups due at the same time and audit events written at the same
 * instant come out in the same order from a restored backup, however its rows lie on disk.
 */

let source: TestServer;
let restored: TestServer | undefined;
let restoredUrl: string;
// The compiled server (server/dist) runs here; build it first when the sources are newer.
beforeAll(() => ensureServerBuilt(), 300_000);
beforeAll(async () => {
  source = await startTestServer();
});
afterAll(async () => {
  await restored?.close();
  await source?.close();
  if (restoredUrl) {
    const admin = new URL(restoredUrl);
    const name = admin.pathname.slice(1);
    admin.pathname = '/postgres';
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.end();
  }
});

function cli(args: string[], databaseUrl: string): void {
  ensureServerBuilt();
  const main = path.resolve(import.meta.dirname, '../../server/dist/main.js');
  execFileSync(process.execPath, [main, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, stdio: 'pipe' });
}

async function dossier(server: TestServer, wf: Workflow, number: string): Promise<unknown> {
  const res = await fetch(`${server.url}/terminations/${number}/dossier.json`, {
    headers: { authorization: `Bearer ${await wf.token('auditor@example.com')}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, unknown>;
  delete body.generatedAt;
  return body;
}

describe('total order of lists', () => {
  it('a restored backup lists follow-ups with the same due time and audit events with the same timestamp in the same order', async () => {
    const wf = new Workflow(source);
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION', explanation: 'order test' })
    ).termination!;
    const waiting = await wf.approveAll(t.id);
    await wf.respond(await wf.confirmationToken(waiting.customerConfirmation!.recipient), true, { preferredResolution: 'REFUND' });
    const effective = await wf.get(t.id);
    expect(effective.status).toBe('EFFECTIVE');
    expect(effective.followUpTasks.length).toBeGreaterThan(2);

    // Ties, as happen when one change creates several rows at once: one due time for every
    // follow-up, one timestamp for every audit event (the append-only trigger is lifted for it).
    await source.sql(
      `update follow_up_task set due_at = (select min(due_at) from follow_up_task where termination_id = $1) where termination_id = $1`,
      [t.id],
    );
    await source.sql(`alter table audit_event disable trigger audit_event_no_update`);
    await source.sql(
      `update audit_event set created_at = (select min(created_at) from audit_event where termination_id = $1) where termination_id = $1`,
      [t.id],
    );
    await source.sql(`alter table audit_event enable trigger audit_event_no_update`);

    const before = await dossier(source, wf, t.number);
    const beforeGraphql = await wf.get(t.id);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ot-order-')), 'order.dump');
    cli(['backup', file], source.databaseUrl);
    const target = new URL(source.databaseUrl);
    target.pathname = `/${target.pathname.slice(1)}_order`;
    restoredUrl = target.toString();
    cli(['restore', file], restoredUrl);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    // Where rows lie on disk is not part of the data: a restore elsewhere, VACUUM FULL or CLUSTER
    // lays them out anew. Here they are laid out by their (random) ids.
    const c = new pg.Client({ connectionString: restoredUrl });
    await c.connect();
    await c.query(`cluster follow_up_task using follow_up_task_pkey`);
    await c.query(`cluster audit_event using audit_event_pkey`);
    await c.query(`analyze`);
    await c.end();

    restored = await startTestServer({ databaseUrl: restoredUrl });
    const after = await dossier(restored, new Workflow(restored), t.number);
    expect(after).toEqual(before);
    const afterGraphql = await new Workflow(restored).get(t.id);
    expect(afterGraphql.followUpTasks.map((f) => f.id)).toEqual(beforeGraphql.followUpTasks.map((f) => f.id));
    expect(afterGraphql.auditTrail).toEqual(beforeGraphql.auditTrail);
  }, 180_000);
});
