import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSubscriber } from '../../server/src/kernel/domain-events.js';
import type { TestServer } from '../harness/server.js';
import { startSmtpServer, type SmtpServer } from '../harness/smtp.js';
import { startTestServer } from '../harness/server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

/*
 * When taking effect cancels or reduces a purchase order, its supplier is told: a bilingual
 * notice to the supplier's e-mail through the real mail pipeline (outbox row, send job, a real
 * SMTP server here), recorded with its Message-ID and delivery like a customer notice; or, when
 * no e-mail is known, a task for Purchasing to phone. Nothing of it survives a rolled-back effect.
 */

let smtp: SmtpServer;
let server: TestServer;
let wf: Workflow;
/** Makes the effect's transaction fail after the supplier notices were written (an embedding's subscriber failing). */
let failEffect = false;
const failingAfterNotices: EventSubscriber = {
  name: 'test-failing-after-notices',
  types: ['termination.effect_applied'],
  async inTransaction() {
    if (failEffect) throw new Error('the effect fails after the supplier notices (test)');
  },
};

beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({
    env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://erp.example.com', PURCHASING_CONTACT: '采购部 王芳 purchasing@erp.example.com' },
    subscribers: [failingAfterNotices],
  }).catch(async (error: unknown) => {
    await smtp.close();
    throw error;
  });
  wf = new Workflow(server);
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

interface Notice {
  purchaseOrderNumber: string;
  action: string;
  supplierCode: string;
  supplierName: string;
  channel: string;
  recipient: string | null;
  subject: string | null;
  messageId: string | null;
  status: string | null;
  queuedAt: string;
  sentAt: string | null;
  followUpTaskId: string | null;
  lines: { sku: string; productName: string; before: number; cancelled: number; after: number }[];
}

const NOTICE_FIELDS = `purchaseOrderNumber action supplierCode supplierName channel recipient subject messageId status queuedAt sentAt
  followUpTaskId lines { sku productName before cancelled after }`;

async function supplierNotices(terminationId: string): Promise<Notice[]> {
  const data = await wf.as<{ termination: { supplierNotices: Notice[] } }>(
    'auditor@example.com',
    `query($id: ID) { termination(id: $id) { supplierNotices { ${NOTICE_FIELDS} } } }`,
    { id: terminationId },
  );
  return data.termination.supplierNotices;
}

async function audit(terminationId: string, action: string) {
  return server.sql<{ actor_type: string; entity_type: string; data: Record<string, unknown> }>(
    `select actor_type, entity_type, data from audit_event where termination_id = $1 and action = $2 order by seq`,
    [terminationId, action],
  );
}

async function supplierOf(poNumber: string) {
  const [s] = await server.sql<{ code: string; name: string; email: string | null; phone: string | null }>(
    `select s.code, s.name, s.email, s.phone from purchase_order po join supplier s on s.id = po.supplier_id where po.number = $1`,
    [poNumber],
  );
  return s!;
}

/** The open quantity and product of each line of a PO. */
async function poLines(poNumber: string) {
  return server.sql<{ sku: string; name: string; open: number; order_number: string }>(
    `select p.sku, p.name, (pol.quantity - pol.received_quantity - pol.cancelled_quantity)::int as open, o.number as order_number
       from purchase_order_line pol join purchase_order po on po.id = pol.purchase_order_id join product p on p.id = pol.product_id
       join sales_order_line l on l.id = pol.sales_order_line_id join sales_order o on o.id = l.order_id
      where po.number = $1 order by pol.id`,
    [poNumber],
  );
}

/** The raw SMTP messages carrying `messageId`. */
function received(messageId: string) {
  return smtp.received.filter((m) => m.raw.includes(`Message-ID: ${messageId}`) || m.raw.includes(`Message-Id: ${messageId}`));
}

/** Submits, then approves every step but the last one (whose decision makes it take effect). */
async function submitUpToLastApproval(orderNumber: string, lines?: { lineId: string; quantity: number }[]) {
  const submitted = await wf.submit('clerk@example.com', {
    orderNumber,
    reasonCode: 'DUPLICATE_ORDER',
    explanation: 'Supplier notices test.',
    customerConfirmationRequired: false,
    ...(lines ? { lines } : {}),
  });
  expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
  return wf.approveAllButLast(submitted.termination!.id);
}

describe('an effect that cancels one PO and reduces another', () => {
  // SO-2026-00001 buys line 1 on PO-2026-00001 (its only line) and line 2 on PO-2026-00002,
  // which also buys for SO-2026-00002: terminating the whole order cancels the first and reduces the second.
  let cancelledBefore: Awaited<ReturnType<typeof poLines>>;
  let reducedBefore: Awaited<ReturnType<typeof poLines>>;
  let s1: Awaited<ReturnType<typeof supplierOf>>;
  let s2: Awaited<ReturnType<typeof supplierOf>>;
  let t: Awaited<ReturnType<Workflow['get']>>;
  let list: Notice[];

  beforeAll(async () => {
    cancelledBefore = await poLines('PO-2026-00001');
    reducedBefore = await poLines('PO-2026-00002');
    s1 = await supplierOf('PO-2026-00001');
    s2 = await supplierOf('PO-2026-00002');
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00001',
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '客户取消整单。',
    });
    expect(submitted.__typename).toBe('SubmitTerminationSuccess');
    t = await wf.approveAndAccept(submitted.termination!.id);
  });

  it('queues one notice per PO with its lines, sends each to its supplier and records supplier.notified', async () => {
    expect(cancelledBefore.map((l) => l.order_number)).toEqual(['SO-2026-00001']);
    expect(new Set(reducedBefore.map((l) => l.order_number))).toEqual(new Set(['SO-2026-00001', 'SO-2026-00002']));
    expect(s1.email).toBeTruthy();
    expect(s2.email).toBeTruthy();
    expect(t.status).toBe('EFFECTIVE');

    // Queued with the effect, one per PO, not yet handed to the mail server.
    list = await supplierNotices(t.id);
    expect(list.map((n) => [n.purchaseOrderNumber, n.action, n.channel, n.recipient, n.status, n.sentAt])).toEqual([
      ['PO-2026-00001', 'CANCEL', 'EMAIL', s1.email, 'QUEUED', null],
      ['PO-2026-00002', 'REDUCE', 'EMAIL', s2.email, 'QUEUED', null],
    ]);
    expect(list[0]!.lines).toEqual([
      {
        sku: cancelledBefore[0]!.sku,
        productName: cancelledBefore[0]!.name,
        before: cancelledBefore[0]!.open,
        cancelled: cancelledBefore[0]!.open,
        after: 0,
      },
    ]);
    const reducedLine = reducedBefore.find((l) => l.order_number === 'SO-2026-00001')!;
    expect(list[1]!.lines).toEqual([
      { sku: reducedLine.sku, productName: reducedLine.name, before: reducedLine.open, cancelled: reducedLine.open, after: 0 },
    ]);
    expect(await audit(t.id, 'supplier.notified')).toHaveLength(0);

    await server.app.runDueJobs();
    list = await supplierNotices(t.id);
    expect(list.map((n) => n.status)).toEqual(['SENT', 'SENT']);
    for (const n of list) {
      expect(n.sentAt).not.toBeNull();
      expect(n.messageId).toMatch(/^<[0-9a-f-]{36}@order-termination\.local>$/);
      // The recorded Message-ID is the one the supplier's mail server received, sent to the supplier.
      const mails = received(n.messageId!);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toEqual([n.recipient]);
    }
    const notified = await audit(t.id, 'supplier.notified');
    expect(notified.map((a) => [a.actor_type, a.entity_type, a.data.purchaseOrder, a.data.supplier])).toEqual([
      ['SYSTEM', 'SupplierNotice', 'PO-2026-00001', s1.code],
      ['SYSTEM', 'SupplierNotice', 'PO-2026-00002', s2.code],
    ]);
    expect(notified[0]!.data).toMatchObject({
      action: 'CANCEL',
      channel: 'EMAIL',
      recipient: s1.email,
      messageId: list[0]!.messageId,
      sentAt: list[0]!.sentAt,
      transport: 'smtp',
    });
    // A supplier with an e-mail gets no phone task: Purchasing has only the effect's checklist task.
    expect(t.followUpTasks.filter((x) => x.department === 'PURCHASING')).toHaveLength(1);
  });

  it('states the PO, each line with its quantities, the date, the termination and a contact, 中文 first', async () => {
    const [mail] = await server.sql<{ subject: string; text: string; html: string }>(
      `select m.subject, m.text, m.html from supplier_notice n join mail_message m on m.id = n.mail_message_id
         join purchase_order po on po.id = n.purchase_order_id where po.number = 'PO-2026-00001'`,
    );
    const line = cancelledBefore[0]!;
    expect(mail!.subject).toBe('采购单 PO-2026-00001 取消通知 / Cancellation of purchase order PO-2026-00001');
    const [effective] = await server.sql<{ day: string }>(
      `select to_char(effective_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day from termination where id = $1`,
      [t.id],
    );
    expect(mail!.text).toContain(`${s1.name}`);
    expect(mail!.text).toContain(`自 ${effective!.day} 起取消采购单 PO-2026-00001`);
    expect(mail!.text).toContain(`（${t.number}）`);
    expect(mail!.text).toContain(`${line.sku} ${line.name}：原数量 ${line.open}，取消 ${line.open}，剩余 0`);
    expect(mail!.text).toContain(`before ${line.open}, cancelled ${line.open}, remaining 0`);
    expect(mail!.text).toContain(`effective ${effective!.day}`);
    expect(mail!.text).toContain('联系人：采购部 王芳 purchasing@erp.example.com');
    expect(mail!.text).toContain('Contact: 采购部 王芳 purchasing@erp.example.com');
    expect(mail!.text.indexOf('联系人')).toBeLessThan(mail!.text.indexOf('Contact:'));
    expect(mail!.html).toContain(`<td>${line.sku}</td>`);
    const [reduced] = await server.sql<{ subject: string }>(
      `select m.subject from supplier_notice n join mail_message m on m.id = n.mail_message_id
         join purchase_order po on po.id = n.purchase_order_id where po.number = 'PO-2026-00002'`,
    );
    expect(reduced!.subject).toContain('减量通知 / Reduction of purchase order PO-2026-00002');
  });

  it("is listed in the dossier and in the PO's history; the PO reads its supplier as a record", async () => {
    expect(list.map((n) => n.status)).toEqual(['SENT', 'SENT']);
    const dossier = await wf.as<{ terminationDossier: { supplierNotices: Record<string, unknown>[] } }>(
      'auditor@example.com',
      `query($n: String!) { terminationDossier(number: $n) }`,
      { n: t.number },
    );
    expect(
      dossier.terminationDossier.supplierNotices.map((n) => [n.purchaseOrder, n.supplierCode, n.recipient, n.messageId, n.status]),
    ).toEqual(list.map((n) => [n.purchaseOrderNumber, n.supplierCode, n.recipient, n.messageId, 'SENT']));
    expect(dossier.terminationDossier.supplierNotices[0]!.sentAt).toBe(list[0]!.sentAt);
    const html = await (
      await fetch(`${server.url}/terminations/${t.number}/dossier.html`, {
        headers: { authorization: `Bearer ${await wf.token('auditor@example.com')}` },
      })
    ).text();
    expect(html).toContain('Supplier notices');
    expect(html).toContain(list[0]!.messageId!.replace('<', '&lt;').replace('>', '&gt;'));

    // The purchase order reads its supplier as a record; code and name still answer as before.
    const po = await wf.as<{
      order: {
        purchaseOrders: {
          number: string;
          supplierCode: string;
          supplierName: string;
          supplier: Record<string, unknown>;
          supplierNotices: Record<string, unknown>[];
        }[];
      };
    }>(
      'auditor@example.com',
      `{ order(number: "SO-2026-00001") { purchaseOrders { number supplierCode supplierName supplier { code name contactName email phone active }
        supplierNotices { terminationNumber purchaseOrderNumber status messageId } } } }`,
    );
    const first = po.order.purchaseOrders.find((p) => p.number === 'PO-2026-00001')!;
    expect(first).toMatchObject({
      supplierCode: s1.code,
      supplierName: s1.name,
      supplier: { code: s1.code, email: s1.email, active: true },
    });
    // The PO's history with its supplier carries the notice too.
    expect(first.supplierNotices).toEqual([
      { terminationNumber: t.number, purchaseOrderNumber: 'PO-2026-00001', status: 'SENT', messageId: list[0]!.messageId },
    ]);
  });
});

describe('supplier notices', () => {
  it('a supplier without e-mail: no mail, a PURCHASING task to phone it with the lines, in the same transaction', async () => {
    // SO-2026-00080 buys a line on PO-2026-00055 from S004, which has no e-mail on file.
    const lines = await poLines('PO-2026-00055');
    expect(lines.map((l) => l.order_number)).toEqual(['SO-2026-00080']);
    const supplier = await supplierOf('PO-2026-00055');
    expect(supplier.email).toBeNull();
    const [soLine] = await server.sql<{ id: string; quantity: number }>(
      `select l.id, (l.quantity - l.shipped_quantity - l.terminated_quantity)::int as quantity
         from purchase_order_line pol join purchase_order po on po.id = pol.purchase_order_id
         join sales_order_line l on l.id = pol.sales_order_line_id where po.number = 'PO-2026-00055'`,
    );
    const { termination, last } = await submitUpToLastApproval('SO-2026-00080', [{ lineId: soLine!.id, quantity: soLine!.quantity }]);
    expect((await wf.decide(HEAD_OF[last.department]!, last.id, 'APPROVE')).termination?.status).toBe('EFFECTIVE');

    const list = await supplierNotices(termination.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      purchaseOrderNumber: 'PO-2026-00055',
      action: 'CANCEL',
      supplierCode: supplier.code,
      channel: 'PHONE_TASK',
      recipient: null,
      messageId: null,
      status: null,
    });
    const t = await wf.get(termination.id);
    const task = t.followUpTasks.find((x) => x.id === list[0]!.followUpTaskId)!;
    expect(task).toMatchObject({ kind: 'SUPPLIER_CANCELLATION', department: 'PURCHASING', status: 'OPEN' });
    expect(task.instructions).toContain(
      `Notify supplier ${supplier.name} by phone (${supplier.phone}) of the cancellation of PO-2026-00055`,
    );
    expect(task.instructions).toContain(`电话通知供应商 ${supplier.name}`);
    expect(task.instructions).toContain(`${lines[0]!.sku} ${lines[0]!.name}: ${lines[0]!.open} −${lines[0]!.open} → 0`);
    // Purchasing has the checklist task and the phone task; the termination closes only when both are done.
    expect(t.followUpTasks.filter((x) => x.department === 'PURCHASING')).toHaveLength(2);

    // No mail about this PO, now or once the jobs ran; nothing to record as delivered.
    const aboutPo = `select 1 from mail_message where termination_id = $1 and (subject like '%PO-2026-00055%' or text like '%PO-2026-00055%')`;
    expect(await server.sql(aboutPo, [termination.id])).toEqual([]);
    await server.app.runDueJobs();
    expect(await server.sql(aboutPo, [termination.id])).toEqual([]);
    expect(await audit(termination.id, 'supplier.notified')).toEqual([]);

    const dossier = await wf.as<{ terminationDossier: { supplierNotices: Record<string, unknown>[] } }>(
      'auditor@example.com',
      `query($n: String!) { terminationDossier(number: $n) }`,
      { n: termination.number },
    );
    expect(dossier.terminationDossier.supplierNotices).toMatchObject([
      { purchaseOrder: 'PO-2026-00055', channel: 'PHONE_TASK', recipient: null, messageId: null },
    ]);
  });

  it('a rolled-back effect sends nothing and records nothing; taking effect afterwards notifies once', async () => {
    // SO-2026-00162 buys on PO-2026-00133 (S009, with e-mail, shared with SO-2026-00163) and on another PO.
    const supplier = await supplierOf('PO-2026-00133');
    expect(supplier.email).toBeTruthy();
    const { termination, last } = await submitUpToLastApproval('SO-2026-00162');
    const receivedBefore = smtp.received.length;
    const termMails = async () =>
      (await server.sql<{ n: number }>(`select count(*)::int as n from mail_message where termination_id = $1`, [termination.id]))[0]!.n;
    const mailsBefore = await termMails();

    failEffect = true;
    const failed = await wf.tryApprove(last);
    failEffect = false;
    expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect((await wf.get(termination.id)).status).toBe('PENDING_APPROVAL');
    await server.app.runDueJobs();
    expect(await supplierNotices(termination.id)).toEqual([]);
    expect(await server.sql(`select 1 from supplier_notice where termination_id = $1`, [termination.id])).toEqual([]);
    expect(await termMails()).toBe(mailsBefore);
    expect(await server.sql(`select 1 from mail_message where recipient = $1`, [supplier.email])).toEqual([]);
    expect(smtp.received.length).toBe(receivedBefore);
    expect(await audit(termination.id, 'supplier.notified')).toEqual([]);

    // The same decision again, now committing: one notice, sent once.
    expect((await wf.decide(HEAD_OF[last.department]!, last.id, 'APPROVE')).termination?.status).toBe('EFFECTIVE');
    await server.app.runDueJobs();
    const list = await supplierNotices(termination.id);
    expect(list.map((n) => [n.purchaseOrderNumber, n.recipient, n.status])).toContainEqual(['PO-2026-00133', supplier.email, 'SENT']);
    expect(list.every((n) => n.channel === 'EMAIL' && n.status === 'SENT')).toBe(true);
    expect(smtp.received.filter((m) => m.to.includes(supplier.email!))).toHaveLength(1);
    expect((await audit(termination.id, 'supplier.notified')).map((a) => a.data.purchaseOrder)).toEqual(
      list.map((n) => n.purchaseOrderNumber),
    );
  });
});
