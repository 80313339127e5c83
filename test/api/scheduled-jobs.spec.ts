import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()));
afterAll(async () => server?.close());

const HOUR = 3_600_000;
const work = () => server.app.services.scheduled;
const ctx = () => server.app.systemContext();

async function notificationsOf(email: string, kind: string) {
  return server.sql(`select n.title from notification n join app_user u on u.id = n.user_id where u.email = $1 and n.kind = $2`, [
    email,
    kind,
  ]);
}

describe('scheduled work, driven with an explicit clock', () => {
  it('reminds the customer on the working day before the deadline, once, with a working new link', async () => {
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: 'SO-2026-00001',
        reasonCode: 'CUSTOMER_CANCELLATION',
        explanation: 'reminder test',
      })
    ).termination!;
    const waiting = await wf.approveAll(t.id);
    const [c] = await server.sql<{ id: string; expires_at: Date; deadline_date: string }>(
      `select id, expires_at, to_char(deadline_date, 'YYYY-MM-DD') as deadline_date from customer_confirmation where termination_id = $1`,
      [t.id],
    );
    // SO-2026-00001's contract: five working days. The reminder is due at 09:00 China time on
    // the working day before the deadline day, which is a working day itself.
    const [job] = await server.sql<{ run_at: Date }>(`select run_at from graphile_worker.jobs where key = $1`, [`reminder:${c!.id}`]);
    const [dayOff] = await server.sql<{ off: boolean }>(
      `select coalesce((select kind = 'HOLIDAY' from calendar_day where date = ($1::timestamptz at time zone 'Asia/Shanghai')::date),
                       extract(isodow from ($1::timestamptz at time zone 'Asia/Shanghai')) > 5) as off`,
      [job!.run_at],
    );
    expect(dayOff!.off).toBe(false);
    expect(new Date(job!.run_at.getTime() + 8 * HOUR).toISOString().slice(11, 16)).toBe('09:00');
    expect(job!.run_at.getTime()).toBeLessThan(c!.expires_at.getTime() - 15 * HOUR);
    expect(c!.expires_at.toISOString()).toBe(new Date(`${c!.deadline_date}T16:00:00Z`).toISOString());

    const reminderTime = new Date(job!.run_at.getTime() + 1000);
    expect(await work().remindCustomer(ctx(), c!.id, reminderTime)).toBe(true);
    expect(await work().remindCustomer(ctx(), c!.id, reminderTime)).toBe(false);
    const mails = await server.sql<{ subject: string }>(`select subject from mail_message where termination_id = $1 order by created_at`, [
      t.id,
    ]);
    expect(mails.filter((m) => /Reminder|【提醒】/.test(m.subject))).toHaveLength(1);
    const token = await wf.confirmationToken(waiting.customerConfirmation!.recipient);
    expect((await wf.respond(token, true)).status).toBe('EFFECTIVE');
  });

  it('expires an unanswered link at its time, once, and tells the requester when the contract says nothing about silence', async () => {
    await server.sql(
      `update contract set reply_working_days = null, silence_means = null where id = (select contract_id from sales_order where number = 'SO-2026-00003')`,
    );
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00003', reasonCode: 'CUSTOMER_CHANGE', explanation: 'expiry test' })
    ).termination!;
    await wf.approveAll(t.id);
    const [c] = await server.sql<{ id: string; expires_at: Date }>(
      `select id, expires_at from customer_confirmation where termination_id = $1`,
      [t.id],
    );
    expect(await work().expireConfirmation(ctx(), c!.id, new Date(c!.expires_at.getTime() - HOUR))).toBe(false);
    const before = (await notificationsOf('clerk@example.com', 'CONFIRMATION_EXPIRED')).length;
    expect(await work().expireConfirmation(ctx(), c!.id, new Date(c!.expires_at.getTime() + 1000))).toBe(true);
    expect(await work().expireConfirmation(ctx(), c!.id, new Date(c!.expires_at.getTime() + 2000))).toBe(false);
    expect((await notificationsOf('clerk@example.com', 'CONFIRMATION_EXPIRED')).length).toBe(before + 1);
    const after = await wf.get(t.id);
    expect(after.status).toBe('AWAITING_CUSTOMER');
    expect(after.customerConfirmation?.status).toBe('EXPIRED');
  });

  it('escalates an overdue approval once: the head and management are told, the step shows overdue', async () => {
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00006', reasonCode: 'INTERNAL_DECISION', explanation: 'SLA test' })
    ).termination!;
    const step = t.approvalSteps.find((s) => s.status === 'PENDING')!;
    const [row] = await server.sql<{ due_at: Date }>(`select due_at from approval_step where id = $1`, [step.id]);
    expect(await work().escalateApproval(ctx(), step.id, new Date(row!.due_at.getTime() - 1000))).toBe(false);
    const heads = (await notificationsOf(HEAD_OF.SALES!, 'APPROVAL_OVERDUE')).length;
    const gm = (await notificationsOf(HEAD_OF.MANAGEMENT!, 'APPROVAL_OVERDUE')).length;
    const late = new Date(row!.due_at.getTime() + 1000);
    expect(await work().escalateApproval(ctx(), step.id, late)).toBe(true);
    expect(await work().escalateApproval(ctx(), step.id, new Date(late.getTime() + HOUR))).toBe(false);
    expect((await notificationsOf(HEAD_OF.SALES!, 'APPROVAL_OVERDUE')).length).toBe(heads + 1);
    expect((await notificationsOf(HEAD_OF.MANAGEMENT!, 'APPROVAL_OVERDUE')).length).toBe(gm + 1);
    const audit = await server.sql(`select 1 from audit_event where entity_id = $1 and action = 'approval.overdue'`, [step.id]);
    expect(audit).toHaveLength(1);
  });

  it('tells a department once when its follow-up task is overdue', async () => {
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: 'SO-2026-00007',
        reasonCode: 'PRODUCT_DISCONTINUED',
        explanation: 'follow-up SLA test',
      })
    ).termination!;
    const current = await wf.approveAndAccept(t.id);
    expect(current.status).toBe('EFFECTIVE');
    const task = current.followUpTasks.find((x) => x.department === 'PURCHASING')!;
    const [row] = await server.sql<{ due_at: Date }>(`select due_at from follow_up_task where id = $1`, [task.id]);
    const before = (await notificationsOf(HEAD_OF.PURCHASING!, 'FOLLOW_UP_OVERDUE')).length;
    expect(await work().remindFollowUp(ctx(), task.id, new Date(row!.due_at.getTime() + 1000))).toBe(true);
    expect(await work().remindFollowUp(ctx(), task.id, new Date(row!.due_at.getTime() + 2000))).toBe(false);
    expect((await notificationsOf(HEAD_OF.PURCHASING!, 'FOLLOW_UP_OVERDUE')).length).toBe(before + 1);
  });

  it('on EFFECTIVE tells purchasing, warehouse and finance exactly what to do', async () => {
    const rows = await server.sql<{ email: string; body: string }>(
      `select u.email, n.body from notification n join app_user u on u.id = n.user_id where n.kind = 'FOLLOW_UP_CREATED'`,
    );
    const purchasing = rows.filter((r) => r.email === HEAD_OF.PURCHASING);
    expect(purchasing.length).toBeGreaterThan(0);
    expect(purchasing.some((r) => /PO-2026-\d+/.test(r.body))).toBe(true);
    expect(rows.some((r) => r.email === HEAD_OF.WAREHOUSE && /release|释放/.test(r.body))).toBe(true);
    expect(rows.some((r) => r.email === HEAD_OF.FINANCE && /CNY|USD|¥|US\$/.test(r.body))).toBe(true);
  });
});
