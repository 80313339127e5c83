import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, withDatabase } from '../harness/database.js';
import { runCli } from '../harness/process.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

let server: TestServer;
let wf: Workflow;
let number: string;
beforeAll(async () => {
  server = await startTestServer();
  wf = new Workflow(server);
  // A termination that went all the way: approvals, the customer, every follow-up.
  const t = (
    await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00001',
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '客户取消 <b>全部</b> "订单", =SUM(1)',
    })
  ).termination!;
  number = t.number;
  const waiting = await wf.approveAll(t.id);
  await wf.respond(await wf.confirmationToken(waiting.customerConfirmation!.recipient), true, {
    note: '同意',
    preferredResolution: 'REFUND',
  });
  const done = await wf.get(t.id);
  const by: Record<string, string> = { ...HEAD_OF, SALES: 'clerk@example.com' };
  for (const task of done.followUpTasks) {
    await wf.complete(
      by[task.department]!,
      task.id,
      'done',
      task.kind === 'CUSTOMER_OUTCOME' ? { outcome: 'REFUND', outcomeDetails: '全额退预付款' } : {},
    );
  }
});
afterAll(async () => server?.close());
// beforeAll runs a whole termination through; under load that takes a while.

describe('termination dossier and exports', () => {
  it('the dossier holds reason, impact, every approval, customer notifications, outcome, tasks and the audit trail', async () => {
    const token = await wf.token('auditor@example.com');
    const res = await fetch(`${server.url}/terminations/${number}/dossier.json`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const d = (await res.json()) as Record<string, never> & {
      termination: { status: string; explanation: string };
      approvals: unknown[];
      customerNotifications: { sentAt: string; respondedAt: string }[];
      negotiatedOutcome: { outcome: string; details: string };
      followUps: { status: string }[];
      auditTrail: { action: string }[];
      impact: { refundDue: string };
    };
    expect(d.termination.status).toBe('CLOSED');
    expect(d.approvals).toHaveLength(4);
    expect(d.customerNotifications[0]!.respondedAt).toBeTruthy();
    expect(d.negotiatedOutcome).toEqual({ outcome: 'REFUND', details: '全额退预付款' });
    expect(d.followUps.every((f) => f.status === 'DONE')).toBe(true);
    expect(d.auditTrail.map((a) => a.action)).toEqual(
      expect.arrayContaining(['termination.submitted', 'confirmation.accepted', 'termination.closed']),
    );
    const viaGraphql = await wf.as<{ terminationDossier: { termination: { number: string } } }>(
      'auditor@example.com',
      `query($n: String!) { terminationDossier(number: $n) }`,
      { n: number },
    );
    expect(viaGraphql.terminationDossier.termination.number).toBe(number);
  });

  it('the printable page escapes stored text', async () => {
    const res = await fetch(`${server.url}/terminations/${number}/dossier.html`, {
      headers: { authorization: `Bearer ${await wf.token('auditor@example.com')}` },
    });
    const html = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('客户取消 &lt;b&gt;全部&lt;/b&gt; &quot;订单&quot;');
    expect(html).not.toMatch(/<script/i);
  });

  it('downloads need credentials', async () => {
    expect((await fetch(`${server.url}/terminations/${number}/dossier.json`)).status).toBe(401);
    expect((await fetch(`${server.url}/exports/terminations.csv`, { headers: { authorization: 'Bearer nonsense' } })).status).toBe(401);
  });

  it('exports the filtered list as CSV, safe for spreadsheets', async () => {
    const res = await fetch(`${server.url}/exports/terminations.csv?status=CLOSED`, {
      headers: { authorization: `Bearer ${await wf.token('clerk@example.com')}` },
    });
    const csv = (await res.text()).replace(/^\ufeff/, '');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(/^number,status,order,customer/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${number},CLOSED,SO-2026-00001`);
    const none = await fetch(`${server.url}/exports/terminations.csv?status=REJECTED`, {
      headers: { authorization: `Bearer ${await wf.token('clerk@example.com')}` },
    });
    expect((await none.text()).trim().split('\n')).toHaveLength(1);
  });
});

describe('backup and restore', () => {
  it('round-trips the database: same row counts and the same checksum', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ot-backup-')), 'test.dump');
    await runCli(['backup', file], { DATABASE_URL: server.databaseUrl });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);

    const target = new URL(server.databaseUrl);
    target.pathname = `/${target.pathname.slice(1)}_restored`;
    await runCli(['restore', file], { DATABASE_URL: target.toString() });
    // A second restore into the now non-empty database is refused.
    await expect(runCli(['restore', file], { DATABASE_URL: target.toString() })).rejects.toThrow(/not empty/);

    const restored = new pg.Client({ connectionString: target.toString() });
    await restored.connect();
    try {
      expect(await fingerprint((q) => restored.query(q).then((r) => r.rows))).toEqual(await fingerprint((q) => server.sql(q)));
    } finally {
      await restored.end();
      await adminQuery(withDatabase(target.toString(), 'postgres'), `drop database if exists "${target.pathname.slice(1)}" with (force)`);
    }
  }, 180_000);
});

async function fingerprint(query: (q: string) => Promise<Record<string, unknown>[]>) {
  const tables = (
    await query(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)
  ).map((r) => r.table_name as string);
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await query(`select count(*) as n from "${t}"`))[0]!.n);
  const [sum] = await query(
    `select md5(string_agg(t::text, '|' order by t::text)) as s from (select number, status, version, effective_at, closed_at from termination union all select number, status, null, null, null from sales_order) t`,
  );
  return { counts, sum: sum!.s };
}
