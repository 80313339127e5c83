import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { HEAD_OF, Workflow } from '../harness/workflow.js';
import { choose, expectText, useBrowserSessions } from './browser.js';

/**
 * Working together (issue #17) as people do it: a deputy while the head is away, the Excel export
 * of a filtered list, and a follow-up task given to a person who finds it under "my tasks".
 */

const run = useBrowserSessions();

/** "2026-12-01 09:30:00" in Asia/Shanghai (the browsers' time zone here). */
function shanghai(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

describe('deputies and Excel exports in the browser', () => {
  it(
    'the sales head names a deputy; the deputy approves while the head is away and the timeline says so',
    { timeout: 180_000 },
    async () => {
      const wf = new Workflow(run.server);
      const [order] = await run.server.sql<{ number: string }>(
        `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
         and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
       order by o.number desc limit 1`,
      );
      const submitted = await wf.submit('clerk@example.com', {
        orderNumber: order!.number,
        reasonCode: 'CUSTOMER_CANCELLATION',
        explanation: '代理审批测试',
      });
      expect(submitted.__typename).toBe('SubmitTerminationSuccess');
      const number = submitted.termination!.number as string;

      // The head names the purchasing head as deputy from now on, on the board, with the date-time range.
      const head = await run.session.signIn('sales head', HEAD_OF.SALES!);
      await head.goto('/board');
      const panel = head.getByTestId('deputy-panel');
      await panel.getByRole('button', { name: '指定代理人' }).click();
      const dialog = head.getByRole('dialog', { name: '指定代理人' });
      await choose(head, dialog, '代理人', /张志强/);
      const range = dialog.locator('.el-range-input');
      await range.nth(0).fill(shanghai(Date.now() - 60_000));
      await range.nth(1).fill(shanghai(Date.now() + 4 * 3_600_000));
      await range.nth(1).press('Enter');
      await dialog.getByRole('heading', { name: '指定代理人' }).click();
      await dialog.getByRole('button', { name: '指定代理人' }).click();
      await head.getByText('已指定代理人').waitFor();
      await expectText(panel.getByTestId('deputy-current'), '张志强', '代理中');

      // The deputy opens the SALES board (they stand in for the head) and approves the card.
      const deputy = await run.session.signIn('deputy', HEAD_OF.PURCHASING!);
      await deputy.goto('/board?department=SALES');
      await expectText(deputy.getByTestId('board-standing-in'), '王建国');
      const card = deputy.getByRole('article', { name: number });
      await card.getByRole('button', { name: '批准' }).click();
      await deputy
        .getByRole('tooltip')
        .filter({ hasText: `确认批准 ${number}？` })
        .getByRole('button', { name: '批准' })
        .click();
      await card.waitFor({ state: 'detached' });
      await expectText(deputy.getByRole('complementary', { name: '近期决定' }), number, '张志强', '代 王建国');

      // The termination's approval steps and timeline say who decided, for whom.
      await head.goto(`/terminations/${number}`);
      await expectText(head.getByTestId('step-deputy-for'), '代 王建国');
      await head.getByRole('tab', { name: '审计记录' }).click();
      await expectText(head.getByRole('tabpanel', { name: '审计记录' }), '审批通过', '代理', '王建国');
      const [step] = await run.server.sql<{ by: string; for: string }>(
        `select d.email as by, h.email as for from approval_step s join app_user d on d.id = s.decided_by_id join app_user h on h.id = s.on_behalf_of_id
        where s.termination_id = $1 and s.department = 'SALES'`,
        [submitted.termination!.id],
      );
      expect(step).toEqual({ by: HEAD_OF.PURCHASING, for: HEAD_OF.SALES });
      expect(run.session.errors).toEqual([]);
    },
  );

  it('the XLSX export of the filtered terminations list downloads with the rows shown', { timeout: 120_000 }, async () => {
    // Two requests waiting for approval, one withdrawn (which the filter leaves out).
    const wf = new Workflow(run.server);
    const orders = await run.server.sql<{ number: string }>(
      `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
         and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
         and not exists (select 1 from termination t where t.order_id = o.id)
       order by o.number limit 3`,
    );
    const ids: string[] = [];
    for (const o of orders) {
      const r = await wf.submit('clerk@example.com', {
        orderNumber: o.number,
        reasonCode: 'CUSTOMER_CANCELLATION',
        explanation: '导出测试',
      });
      expect(r.__typename).toBe('SubmitTerminationSuccess');
      ids.push(r.termination!.id);
    }
    const withdrawn = await wf.as<{ withdrawTermination: { __typename: string } }>(
      'clerk@example.com',
      `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { __typename } }`,
      { i: { terminationId: ids[2], reason: '导出测试撤回' } },
    );
    expect(withdrawn.withdrawTermination.__typename).toBe('TerminationSuccess');
    const page = await run.session.signIn('clerk', 'clerk@example.com', { acceptDownloads: true });
    await page.goto('/terminations?status=PENDING_APPROVAL');
    const rows = page.locator('.el-table__body-wrapper .el-table__row');
    await rows.first().waitFor();
    const shown = (await rows.locator('td:first-child').allInnerTexts()).map((s) => s.trim().split(/\s/)[0]);
    expect(shown.length).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('terminations-export-xlsx').click()]);
    expect(download.suggestedFilename()).toBe('terminations.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await download.path())!);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('终止单号');
    const numbers: string[] = [];
    sheet.eachRow((row, n) => void (n > 1 && numbers.push(String(row.getCell(1).value))));
    const statuses = new Set<string>();
    sheet.eachRow((row, n) => void (n > 1 && statuses.add(String(row.getCell(2).value))));
    // The page shows the first rows of the list; the sheet has the whole filtered list, in the same order.
    expect(numbers.slice(0, shown.length)).toEqual(shown);
    const total = await new Workflow(run.server).as<{ terminations: { totalCount: number } }>(
      'clerk@example.com',
      `{ terminations(filter: { status: [PENDING_APPROVAL] }) { totalCount } }`,
    );
    expect(numbers.length).toBe(total.terminations.totalCount);
    expect([...statuses]).toEqual(['PENDING_APPROVAL']);

    // The withdrawn one's audit trail, from its audit tab: its events only, one row each.
    const [{ number: withdrawnNumber }] = await run.server.sql<{ number: string }>(`select number from termination where id = $1`, [
      ids[2],
    ]);
    await page.goto(`/terminations/${withdrawnNumber}`);
    await page.getByRole('tab', { name: '审计记录' }).click();
    const [trail] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export-xlsx').click()]);
    expect(trail.suggestedFilename()).toBe('audit.xlsx');
    const auditBook = new ExcelJS.Workbook();
    await auditBook.xlsx.readFile((await trail.path())!);
    const auditRows: string[][] = [];
    auditBook.worksheets[0]!.eachRow(
      (row, n) => void (n > 1 && auditRows.push([String(row.getCell(3).value), String(row.getCell(6).value)])),
    );
    expect(auditRows.map(([, number]) => number)).toEqual(auditRows.map(() => withdrawnNumber));
    const feed = await new Workflow(run.server).as<{ events: { edges: { node: { type: string } }[] } }>(
      'clerk@example.com',
      `query($n: String!) { events(terminationNumber: $n, first: 100) { edges { node { type } } } }`,
      { n: withdrawnNumber },
    );
    expect(auditRows.map(([type]) => type)).toEqual(feed.events.edges.map((e) => e.node.type));
    expect(auditRows.map(([type]) => type)).toEqual(expect.arrayContaining(['TERMINATION_SUBMITTED', 'TERMINATION_WITHDRAWN']));
    expect(run.session.errors).toEqual([]);
  });

  it(
    'the sales head gives a follow-up task to the clerk, who finds it under "my tasks" on the dashboard',
    { timeout: 180_000 },
    async () => {
      const wf = new Workflow(run.server);
      const effective = await wf.effectiveDuplicateOrder('负责人测试');
      const number = effective.number;
      const [task] = await run.server.sql<{ id: string }>(
        `select f.id from follow_up_task f where f.termination_id = $1 and f.kind = 'CUSTOMER_RECORD' and f.status = 'OPEN'`,
        [effective.id],
      );
      expect(task).toBeDefined();

      // On the department's checklist, the head assigns the task to the clerk.
      const head = await run.session.signIn('sales head', HEAD_OF.SALES!);
      await head.goto('/follow-ups');
      // The termination opened two SALES tasks: this one is "update the customer record".
      const card = head.locator('article.task', { hasText: number }).filter({ hasText: '更新客户档案' });
      const owner = card.getByTestId('task-owner');
      await expectText(owner, '未分配');
      await owner.getByRole('button', { name: '分配…' }).click();
      await choose(head, owner, '分配…', '李晓梅');
      await head.getByText('负责人已更新').waitFor();
      await expectText(owner, '李晓梅');
      const [row] = await run.server.sql<{ email: string }>(
        `select u.email from follow_up_task f join app_user u on u.id = f.assignee_id where f.id = $1`,
        [task!.id],
      );
      expect(row).toEqual({ email: 'clerk@example.com' });

      // The clerk's dashboard lists it under "my tasks"; its heading leads to the checklist of their own tasks.
      const clerk = await run.session.signIn('clerk', 'clerk@example.com');
      await clerk.goto('/');
      const mine = clerk.getByRole('region', { name: '我的任务' });
      await expectText(mine, number);
      const listed = await run.server.sql<{ n: number }>(
        `select count(*)::int as n from follow_up_task f join app_user u on u.id = f.assignee_id
        where u.email = 'clerk@example.com' and f.status = 'OPEN'`,
      );
      await expectText(mine.locator('.el-tag').first(), String(listed[0]!.n));
      await mine.getByRole('link', { name: /我的任务/ }).click();
      await clerk.waitForURL((url) => url.pathname === '/follow-ups' && url.searchParams.get('mine') === '1');
      const own = clerk.locator('article.task', { hasText: number });
      await expectText(own.getByTestId('task-owner'), '李晓梅');
      await expectText(own, '更新客户档案');
      expect(await own.count()).toBe(1);
      expect(run.session.errors).toEqual([]);
    },
  );
});
