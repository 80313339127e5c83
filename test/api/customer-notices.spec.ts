import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../server/src/modules/notification/messages.js';
import { replyDeadline, type CalendarDayKind } from '../../server/src/modules/calendar/working-days.js';
import type { SmtpServer } from '../harness/smtp.js';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startMailingServer } from '../harness/workflow-server.js';

let smtp: SmtpServer;
let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf, smtp } = await startMailingServer()));
afterAll(async () => server?.close());

const work = () => server.app.services.scheduled;
const ctx = () => server.app.systemContext();

interface Notice {
  kind: string;
  channel: string;
  recipient: string;
  messageId: string;
  status: string;
  queuedAt: string;
  sentAt: string | null;
  lastError: string | null;
}

async function notices(terminationId: string): Promise<Notice[]> {
  const data = await wf.as<{ termination: { customerNotices: Notice[] } }>(
    'auditor@example.com',
    `query($id: ID) { termination(id: $id) { customerNotices { kind channel recipient messageId status queuedAt sentAt lastError } } }`,
    { id: terminationId },
  );
  return data.termination.customerNotices;
}

async function audit(terminationId: string, action: string) {
  return server.sql<{ actor_type: string; data: Record<string, unknown> }>(
    `select actor_type, data from audit_event where termination_id = $1 and action = $2 order by created_at`,
    [terminationId, action],
  );
}

async function mailText(terminationId: string, subjectLike: string): Promise<string> {
  const rows = await server.sql<{ text: string }>(
    `select text from mail_message where termination_id = $1 and subject like $2 order by created_at desc limit 1`,
    [terminationId, subjectLike],
  );
  expect(rows, `a mail like ${subjectLike}`).toHaveLength(1);
  return rows[0]!.text;
}

/** The raw SMTP message carrying `messageId`. */
function received(messageId: string) {
  return smtp.received.filter((m) => m.raw.includes(`Message-ID: ${messageId}`) || m.raw.includes(`Message-Id: ${messageId}`));
}

async function confirmationOf(terminationId: string) {
  const [c] = await server.sql<{ id: string; sent_at: Date; expires_at: Date; deadline_date: string | null }>(
    `select id, sent_at, expires_at, to_char(deadline_date, 'YYYY-MM-DD') as deadline_date from customer_confirmation
      where termination_id = $1 and status = 'PENDING'`,
    [terminationId],
  );
  return c!;
}

async function setContractRule(orderNumber: string, days: number | null, silence: string | null) {
  await server.sql(
    `update contract set reply_working_days = $2, silence_means = $3 where id = (select contract_id from sales_order where number = $1)`,
    [orderNumber, days, silence],
  );
}

async function awaitingCustomer(orderNumber: string, explanation: string, lines?: { lineId: string; quantity: number }[]) {
  const t = await wf.submitApproved('clerk@example.com', {
    orderNumber,
    reasonCode: 'CUSTOMER_CHANGE',
    explanation,
    customerConfirmationRequired: true,
    ...(lines ? { lines } : {}),
  });
  expect(t.status).toBe('AWAITING_CUSTOMER');
  return t;
}

describe('customer notices on record', () => {
  it('a partial termination: every notice recorded with its Message-ID and delivery, "customer notified" audited, the effective notice complete', async () => {
    const orderLines = await server.sql<{ id: string; line_no: number; quantity: number; sku: string }>(
      `select l.id, l.line_no, l.quantity, p.sku from sales_order_line l join sales_order o on o.id = l.order_id
        join product p on p.id = l.product_id where o.number = 'SO-2026-00001' order by l.line_no`,
    );
    expect(orderLines.length).toBeGreaterThanOrEqual(3);
    const [first, second, third] = orderLines;
    const t = await awaitingCustomer('SO-2026-00001', '客户调整交付计划。', [{ lineId: first!.id, quantity: 4 }]);

    // Queued in the transaction, not yet handed to the mail server.
    let list = await notices(t.id);
    expect(list.map((n) => [n.kind, n.channel, n.status, n.sentAt])).toEqual([['CONFIRMATION_REQUEST', 'EMAIL', 'QUEUED', null]]);
    expect(list[0]!.recipient).toBe(t.customerConfirmation!.recipient);
    expect(await audit(t.id, 'customer.notified')).toHaveLength(0);

    await server.app.runDueJobs();
    list = await notices(t.id);
    expect(list[0]!.status).toBe('SENT');
    expect(list[0]!.sentAt).not.toBeNull();
    expect(list[0]!.messageId).toMatch(/^<[0-9a-f-]{36}@order-termination\.local>$/);
    // The recorded Message-ID is the one the mail server received.
    expect(received(list[0]!.messageId)).toHaveLength(1);
    const notified = await audit(t.id, 'customer.notified');
    expect(notified).toHaveLength(1);
    expect(notified[0]!.data).toMatchObject({
      kind: 'CONFIRMATION_REQUEST',
      channel: 'EMAIL',
      recipient: t.customerConfirmation!.recipient,
      messageId: list[0]!.messageId,
      sentAt: list[0]!.sentAt,
    });

    const raw = received(list[0]!.messageId)[0]!.decoded;
    const token = raw.match(/https:\/\/erp\.example\.com\/confirm\/([A-Za-z0-9_-]{43})/)![1]!;
    expect((await wf.respond(token, true)).status).toBe('EFFECTIVE');
    await server.app.runDueJobs();

    list = await notices(t.id);
    expect(list.map((n) => [n.kind, n.status])).toEqual([
      ['CONFIRMATION_REQUEST', 'SENT'],
      ['EFFECTIVE_NOTICE', 'SENT'],
    ]);
    expect(received(list[1]!.messageId)).toHaveLength(1);
    expect((await audit(t.id, 'customer.notified')).map((a) => a.data.kind)).toEqual(['CONFIRMATION_REQUEST', 'EFFECTIVE_NOTICE']);

    // The effective notice: reason, what is terminated, what continues, the money, next steps.
    const [money] = await server.sql<{ cancellation_fee: string; refund_due: string; currency: string }>(
      `select cancellation_fee, refund_due, currency from settlement where termination_id = $1`,
      [t.id],
    );
    // The customer has no language from sync: the product's default, Chinese, and only Chinese.
    const text = await mailText(t.id, '%生效%');
    expect(text).toContain('部分终止');
    expect(text).toContain('原因：客户');
    expect(text).toContain(`${first!.sku}`);
    expect(text).toMatch(new RegExp(`终止内容：\\n${first!.line_no}\\. ${first!.sku} .* × 4`));
    // Continuing: the rest of line 1 and the untouched lines, with their quantities.
    const continuing = text.slice(text.indexOf('继续履行：'), text.indexOf('违约金'));
    expect(continuing).toMatch(new RegExp(`${first!.line_no}\\. ${first!.sku} .* × ${first!.quantity - 4}`));
    expect(continuing).toMatch(new RegExp(`${second!.line_no}\\. ${second!.sku} .* × ${second!.quantity}`));
    expect(continuing).toMatch(new RegExp(`${third!.line_no}\\. ${third!.sku} .* × ${third!.quantity}`));
    const zh = (amount: string) => formatMoney(amount, money!.currency, 'zh-CN');
    // The money by its case: a refund due, or a fee the customer pays with nothing refunded.
    expect(text).toContain(
      Number(money!.refund_due) > 0
        ? `违约金 ${zh(money!.cancellation_fee)}；应退款 ${zh(money!.refund_due)}。`
        : `违约金 ${zh(money!.cancellation_fee)}，由您支付；无退款。`,
    );
    expect(text).toContain('后续安排：');
    expect(text).toContain('未终止的行项目继续按原合同履行');
    for (const english of ['Dear', 'Reason:', 'Cancellation fee', 'The lines not terminated']) expect(text).not.toContain(english);

    // The dossier carries the notices, JSON and printable.
    const dossier = await wf.as<{ terminationDossier: { customerNotices: Notice[] } }>(
      'auditor@example.com',
      `query($n: String!) { terminationDossier(number: $n) }`,
      { n: t.number },
    );
    expect(dossier.terminationDossier.customerNotices.map((n) => [n.kind, n.status, n.messageId])).toEqual(
      list.map((n) => [n.kind, n.status, n.messageId]),
    );
    const html = await (
      await fetch(`${server.url}/terminations/${t.number}/dossier.html`, {
        headers: { authorization: `Bearer ${await wf.token('auditor@example.com')}` },
      })
    ).text();
    expect(html).toContain('Customer notices');
    expect(html).toContain('EFFECTIVE_NOTICE');
    expect(html).toContain(list[1]!.messageId.replace('<', '&lt;').replace('>', '&gt;'));
  });

  it('a declined termination gets a decline acknowledgement, on record', async () => {
    const t = await awaitingCustomer('SO-2026-00003', 'decline acknowledgement');
    await server.app.runDueJobs();
    const raw = smtp.received.at(-1)!.decoded;
    const token = raw.match(/https:\/\/erp\.example\.com\/confirm\/([A-Za-z0-9_-]{43})/)![1]!;
    expect((await wf.respond(token, false)).status).toBe('CUSTOMER_DECLINED');
    await server.app.runDueJobs();
    const list = await notices(t.id);
    expect(list.map((n) => [n.kind, n.status])).toEqual([
      ['CONFIRMATION_REQUEST', 'SENT'],
      ['DECLINE_ACKNOWLEDGEMENT', 'SENT'],
    ]);
    expect(await mailText(t.id, '%不予终止%')).toContain('我们已收到您不同意终止的答复');
  });
});

describe('the contract decides the reply deadline and what silence means', () => {
  async function calendar(): Promise<Map<string, CalendarDayKind>> {
    const rows = await server.sql<{ date: string; kind: CalendarDayKind }>(
      `select to_char(date, 'YYYY-MM-DD') as date, kind from calendar_day`,
    );
    return new Map(rows.map((r) => [r.date, r.kind]));
  }

  it('silence = refusal: the link lasts the contract’s working days; on expiry the termination is declined, audited, notified, acknowledged', async () => {
    await setContractRule('SO-2026-00005', 5, 'REFUSAL');
    const t = await awaitingCustomer('SO-2026-00005', 'silence refusal');
    const c = await confirmationOf(t.id);
    const expected = replyDeadline(c.sent_at, 5, await calendar());
    expect(c.deadline_date).toBe(expected.deadlineDate);
    expect(c.expires_at.toISOString()).toBe(expected.expiresAt.toISOString());
    // Not the 7 calendar days of CONFIRMATION_VALIDITY_HOURS.
    expect(c.expires_at.getTime()).not.toBe(c.sent_at.getTime() + 168 * 3_600_000);
    const jobs = await server.sql<{ key: string; run_at: Date }>(
      `select key, run_at from graphile_worker.jobs where key in ($1, $2) order by key`,
      [`expiry:${c.id}`, `reminder:${c.id}`],
    );
    expect(jobs.map((j) => [j.key, j.run_at.toISOString()])).toEqual([
      [`expiry:${c.id}`, expected.expiresAt.toISOString()],
      [`reminder:${c.id}`, expected.remindAt!.toISOString()],
    ]);
    // The mail states the deadline date and the rule.
    const request = await mailText(t.id, '请确认%');
    expect(request).toContain(`答复期限：${expected.deadlineDate}（北京时间当日 24:00 前）`);
    expect(request).toContain('逾期未答复视为不同意终止');
    // So does the customer's page.
    await server.app.runDueJobs();
    const raw = smtp.received.at(-1)!.decoded;
    const token = raw.match(/https:\/\/erp\.example\.com\/confirm\/([A-Za-z0-9_-]{43})/)![1]!;
    const page = await server.gql<{ customerConfirmation: { deadlineDate: string; silenceMeans: string } }>(
      `query($t: String!) { customerConfirmation(token: $t) { ... on CustomerConfirmationView { deadlineDate silenceMeans } } }`,
      { t: token },
    );
    expect(page.data!.customerConfirmation).toEqual({ deadlineDate: expected.deadlineDate, silenceMeans: 'REFUSAL' });

    expect(await work().expireConfirmation(ctx(), c.id, new Date(c.expires_at.getTime() - 1000))).toBe(false);
    expect(await work().expireConfirmation(ctx(), c.id, new Date(c.expires_at.getTime() + 1000))).toBe(true);
    expect(await work().expireConfirmation(ctx(), c.id, new Date(c.expires_at.getTime() + 2000))).toBe(false);
    const after = await wf.get(t.id);
    expect(after.status).toBe('CUSTOMER_DECLINED');
    expect(after.customerConfirmation?.status).toBe('EXPIRED');
    const silence = await audit(t.id, 'confirmation.silence');
    expect(silence).toHaveLength(1);
    expect(silence[0]!.data.summary).toBe('No reply by deadline, contract treats silence as refusal');
    const declined = await audit(t.id, 'termination.customer_declined');
    expect(declined.map((a) => a.actor_type)).toEqual(['SYSTEM']);
    const told = await server.sql<{ email: string }>(
      `select u.email from notification n join app_user u on u.id = n.user_id where n.termination_id = $1 and n.kind = 'CUSTOMER_SILENT_REFUSAL'`,
      [t.id],
    );
    expect(told.map((r) => r.email)).toEqual(expect.arrayContaining(['clerk@example.com', HEAD_OF.SALES]));
    await server.app.runDueJobs();
    const list = await notices(t.id);
    expect(list.map((n) => [n.kind, n.status])).toEqual([
      ['CONFIRMATION_REQUEST', 'SENT'],
      ['DECLINE_ACKNOWLEDGEMENT', 'SENT'],
    ]);
    expect(await mailText(t.id, '%不予终止%')).toContain(`未收到您的答复；按合同约定，视为您不同意终止`);
    // The order is free again.
    const [order] = await server.sql<{ status: string }>(`select status from sales_order where number = 'SO-2026-00005'`);
    expect(order!.status).not.toMatch(/TERMINAT/);
  });

  it('silence = acceptance: on expiry the termination takes effect as an acceptance would, with the effective notice', async () => {
    await setContractRule('SO-2026-00006', 10, 'ACCEPTANCE');
    const t = await awaitingCustomer('SO-2026-00006', 'silence acceptance');
    const c = await confirmationOf(t.id);
    const expected = replyDeadline(c.sent_at, 10, await calendar());
    expect(c.deadline_date).toBe(expected.deadlineDate);
    expect(await mailText(t.id, '请确认%')).toContain('逾期未答复视为同意终止');

    expect(await work().expireConfirmation(ctx(), c.id, new Date(c.expires_at.getTime() + 1000))).toBe(true);
    const after = await wf.get(t.id);
    expect(after.status).toBe('EFFECTIVE');
    expect(after.settlement).not.toBeNull();
    expect(after.followUpTasks.length).toBeGreaterThan(0);
    const silence = await audit(t.id, 'confirmation.silence');
    expect(silence[0]!.data.summary).toBe('No reply by deadline, contract treats silence as acceptance');
    const effective = await audit(t.id, 'termination.effective');
    expect(effective).toHaveLength(1);
    expect(effective[0]!.data).toMatchObject({ from: 'AWAITING_CUSTOMER', event: 'CUSTOMER_ACCEPT' });
    const told = await server.sql<{ email: string }>(
      `select u.email from notification n join app_user u on u.id = n.user_id where n.termination_id = $1 and n.kind = 'CUSTOMER_SILENT_ACCEPTANCE'`,
      [t.id],
    );
    expect(told.map((r) => r.email)).toContain('clerk@example.com');
    await server.app.runDueJobs();
    expect((await notices(t.id)).map((n) => [n.kind, n.status])).toEqual([
      ['CONFIRMATION_REQUEST', 'SENT'],
      ['EFFECTIVE_NOTICE', 'SENT'],
    ]);
    expect(await mailText(t.id, '%生效%')).toContain(`按合同约定，视为同意终止`);
  });

  it('a contract without a reply period falls back to CONFIRMATION_VALIDITY_HOURS and the link just expires', async () => {
    await setContractRule('SO-2026-00007', null, null);
    const t = await awaitingCustomer('SO-2026-00007', 'no rule');
    const c = await confirmationOf(t.id);
    expect(c.deadline_date).toBeNull();
    expect(c.expires_at.getTime()).toBe(c.sent_at.getTime() + 168 * 3_600_000);
    expect(await work().expireConfirmation(ctx(), c.id, new Date(c.expires_at.getTime() + 1000))).toBe(true);
    expect((await wf.get(t.id)).status).toBe('AWAITING_CUSTOMER');
    expect(await audit(t.id, 'confirmation.silence')).toHaveLength(0);
  });
});

describe('a delivery that fails', () => {
  // Last in the file: it stops the mail server.
  it('is not "customer notified": the notice stays queued with the error while the job retries', async () => {
    const [open] = await server.sql<{ number: string }>(
      `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
        and not exists (select 1 from termination t where t.order_id = o.id) order by o.number limit 1`,
    );
    const t = await awaitingCustomer(open!.number, 'smtp down');
    await smtp.close();
    await server.app.runDueJobs();
    const [notice] = await notices(t.id);
    expect(notice).toMatchObject({ kind: 'CONFIRMATION_REQUEST', status: 'QUEUED', sentAt: null });
    const [row] = await server.sql<{ attempts: number; last_error: string | null }>(
      `select attempts, last_error from mail_message where termination_id = $1`,
      [t.id],
    );
    expect(row!.attempts).toBeGreaterThan(0);
    expect(row!.last_error).toBeTruthy();
    expect(notice!.lastError).toBe(row!.last_error);
    expect(await audit(t.id, 'customer.notified')).toHaveLength(0);
  });
});
