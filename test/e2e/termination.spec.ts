import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  UI_TIMEOUT,
  amount,
  choose,
  expectCount,
  expectNoReload,
  expectText,
  markDocument,
  submitWizard,
  useBrowserSessions,
} from './browser.js';

/**
 * The SPA in a real browser against the real server: one person per browser context, signed in
 * through the login page. Texts are the Chinese defaults (client/src/locales/zh-CN.ts).
 */

const ORDER = 'SO-2026-00001';
const BLOCKED_ORDER = 'SO-2026-00004';
const EXPLANATION = '客户项目取消，来函要求终止整张订单，预付款扣除违约金后退还。';

const run = useBrowserSessions();

/** The head of a department opens the approval board and waits until it listens live. */
async function openBoard(page: Page): Promise<void> {
  await page.getByRole('link', { name: '审批看板', exact: true }).click();
  await page.waitForURL('**/board');
  await page.getByRole('heading', { level: 1, name: '审批看板' }).waitFor();
  await page.getByRole('status').filter({ hasText: '实时' }).waitFor();
  await run.session.subscribed(page, 'ApprovalBoardChanged');
  await run.session.subscribed(page, 'DepartmentTerminationsChanged');
  await page.getByRole('region', { name: '待审批' }).getByText('没有待审批的终止申请').waitFor();
  await markDocument(page);
}

/** Approves the card of `number` inline on an open board (approve, then confirm in the popover). */
async function approveOnBoard(page: Page, number: string): Promise<void> {
  const card = page.getByRole('article', { name: number });
  await card.getByRole('button', { name: '批准' }).click();
  // The confirmation message shows for 3 s: wait for it from before the click.
  await Promise.all([
    page
      .getByRole('alert')
      .filter({ hasText: `已批准 ${number}` })
      .waitFor(),
    page
      .getByRole('tooltip')
      .filter({ hasText: `确认批准 ${number}？` })
      .getByRole('button', { name: '批准' })
      .click(),
  ]);
  await card.waitFor({ state: 'detached' });
  await expectText(page.getByRole('complementary', { name: '近期决定' }), number, '已批准');
}

/** Completes one open follow-up task of `number` on the checklist page; `message` is the confirmation shown. */
async function completeTask(
  page: Page,
  number: string,
  kind: string,
  note: string,
  { outcome, message = '任务已完成' }: { outcome?: { label: string; details: string }; message?: string } = {},
): Promise<void> {
  const task = page.getByRole('region', { name: '待办' }).getByRole('article').filter({ hasText: number }).filter({ hasText: kind });
  await task.getByRole('button', { name: '完成' }).click();
  const dialog = page.getByRole('dialog', { name: `完成：${kind}` });
  await dialog.waitFor();
  if (outcome) {
    await choose(page, dialog, '处理结果', outcome.label);
    await dialog.getByLabel('结果详情', { exact: true }).fill(outcome.details);
  }
  await dialog.getByLabel('完成说明', { exact: true }).fill(note);
  await Promise.all([
    page.getByRole('alert').filter({ hasText: message }).first().waitFor(),
    dialog.getByRole('button', { name: '确认完成' }).click(),
  ]);
  await dialog.waitFor({ state: 'hidden' });
  await task.waitFor({ state: 'detached' });
}

async function openFollowUps(page: Page): Promise<void> {
  await page.getByRole('link', { name: '跟进清单', exact: true }).click();
  await page.waitForURL('**/follow-ups');
  await page.getByRole('heading', { level: 1, name: '跟进清单' }).waitFor();
}

/** The status tag next to the termination's number on its page. */
function terminationHeader(page: Page, number: string) {
  return page.getByRole('heading', { level: 1, name: number }).locator('xpath=..');
}

describe('order termination in the browser', () => {
  it('goes from the clerk through every department and the customer to CLOSED, live on every page', { timeout: 240_000 }, async () => {
    const clerkToken = await run.server.login('clerk@example.com');
    const expected = await run.server.gql<{
      terminationImpact: { refundDue: string; cancellationFee: string; terminatedValue: string };
    }>(
      `query($input: TerminationImpactInput!) { terminationImpact(input: $input) {
        ... on TerminationImpact { refundDue cancellationFee terminatedValue } } }`,
      { input: { orderNumber: ORDER, reasonCode: 'CUSTOMER_CANCELLATION' } },
      clerkToken,
    );
    const impact = expected.data!.terminationImpact;
    expect(Number(impact.refundDue)).toBeGreaterThan(0);
    const [customer] = await run.server.sql<{ email: string }>(
      `select c.email from customer c join sales_order o on o.customer_id = c.id where o.number = $1`,
      [ORDER],
    );

    // Everyone signs in; the department heads open their boards before anything is submitted.
    const [clerk, sales, purchasing, warehouse, finance, admin] = await Promise.all([
      run.session.signIn('clerk', 'clerk@example.com'),
      run.session.signIn('sales-head', 'sales.head@example.com'),
      run.session.signIn('purchasing-head', 'purchasing.head@example.com'),
      run.session.signIn('warehouse-head', 'warehouse.head@example.com'),
      run.session.signIn('finance-head', 'finance.head@example.com'),
      run.session.signIn('admin', 'admin@example.com'),
    ]);
    const heads = [sales, purchasing, warehouse, finance];
    for (const head of heads) await openBoard(head);

    // --- The clerk finds the order and walks the wizard.
    await clerk.getByRole('link', { name: '订单', exact: true }).click();
    await clerk.getByRole('heading', { level: 1, name: '订单' }).waitFor();
    const search = clerk.getByPlaceholder('订单号或客户名称');
    await search.fill(ORDER);
    await search.press('Enter');
    await clerk.waitForURL((url) => url.searchParams.get('q') === ORDER);
    await clerk.getByText('共 1 条').waitFor();
    await clerk.getByRole('link', { name: ORDER, exact: true }).click();
    await clerk.getByRole('heading', { level: 1, name: ORDER }).waitFor();
    await clerk.getByRole('button', { name: '终止订单' }).click();
    await clerk.waitForURL(`**/orders/${ORDER}/terminate`);
    await clerk.getByRole('heading', { level: 1, name: '终止订单' }).waitFor();

    await choose(clerk, clerk, '终止原因', /^客户取消订单/);
    await clerk.getByLabel('情况说明', { exact: true }).fill(EXPLANATION);
    // The contract requires the customer's confirmation: the switch is on and cannot be turned off.
    await clerk.getByText('合同规定终止须经客户确认，不能关闭。', { exact: true }).waitFor();
    const confirmationSwitch = clerk.getByRole('switch');
    expect(await confirmationSwitch.isChecked()).toBe(true);
    expect(await confirmationSwitch.isDisabled()).toBe(true);
    await clerk.getByRole('button', { name: '下一步：影响评估' }).click();

    // Impact: exclusive PO cancelled, shared PO reduced, the refund, the route.
    const purchasingImpact = clerk.getByRole('region', { name: '采购部' });
    await purchasingImpact.waitFor();
    const exclusivePo = purchasingImpact.getByRole('listitem').filter({ hasText: 'PO-2026-00001' });
    await expectCount(exclusivePo, 1);
    await expectText(exclusivePo, '整单取消');
    const sharedPo = purchasingImpact.getByRole('listitem').filter({ hasText: 'PO-2026-00002' }).filter({ hasText: '减量' });
    await expectCount(sharedPo, 1);
    await expectText(sharedPo, '共用');
    expect(await sharedPo.innerText()).not.toContain('整单取消');
    await expectText(purchasingImpact, '共用这些采购单的其他订单', 'SO-2026-00002');
    await expectText(clerk.getByRole('region', { name: '财务部' }), `应退款 ¥${amount(impact.refundDue)}`, amount(impact.cancellationFee));
    await expectText(clerk.getByRole('region', { name: '仓储部' }), '释放 2 项预留');
    const route = clerk.getByRole('region', { name: '审批路径' });
    await expectText(route, '3 级审批');
    const stages = await route.getByRole('listitem').allInnerTexts();
    expect(stages).toHaveLength(3);
    expect(stages[0]).toMatch(/第 1 级[\s\S]*销售部/);
    expect(stages[1]).toMatch(/第 2 级[\s\S]*采购部[\s\S]*仓储部/);
    expect(stages[2]).toMatch(/第 3 级[\s\S]*财务部/);
    expect(await clerk.getByText('不能终止', { exact: true }).count()).toBe(0);

    await clerk.getByRole('button', { name: '下一步：确认' }).click();
    await clerk.getByRole('heading', { name: '请确认终止申请' }).waitFor();
    await expectText(clerk.getByRole('row', { name: /审批路径/ }), '销售部 → 采购部 + 仓储部 → 财务部');
    await expectText(clerk.getByRole('row', { name: /应退款/ }), amount(impact.refundDue));
    const number = await submitWizard(clerk);
    await expectText(terminationHeader(clerk, number), '待审批');
    await markDocument(clerk);

    // --- Approvals: the card arrives on each open board without a reload, stage by stage.
    const salesCard = sales.getByRole('article', { name: number });
    await salesCard.waitFor();
    await expectText(salesCard, ORDER, '客户取消订单', amount(impact.terminatedValue));
    await expectNoReload(sales);
    // Later stages wait for the first.
    for (const head of [purchasing, warehouse, finance]) expect(await head.getByRole('article', { name: number }).count()).toBe(0);
    await approveOnBoard(sales, number);

    for (const head of [purchasing, warehouse]) await head.getByRole('article', { name: number }).waitFor();
    expect(await finance.getByRole('article', { name: number }).count()).toBe(0);
    await approveOnBoard(purchasing, number);
    await approveOnBoard(warehouse, number);

    await finance.getByRole('article', { name: number }).waitFor();
    await approveOnBoard(finance, number);
    for (const head of heads) await expectNoReload(head);

    await expectText(terminationHeader(clerk, number), '待客户确认');

    // --- The customer's link, from the dev mailbox.
    await admin.getByRole('link', { name: '系统管理', exact: true }).click();
    await admin.getByRole('tab', { name: '开发邮箱' }).click();
    await admin.waitForURL('**/admin/mailbox');
    await admin.getByLabel('按收件人筛选', { exact: true }).fill(customer!.email);
    await admin.getByRole('button', { name: new RegExp(`请确认订单 ${ORDER} 的终止`) }).click();
    const mail = admin.getByRole('dialog');
    await expectText(mail, customer!.email, number);
    const href = await mail
      .getByRole('link', { name: /\/confirm\// })
      .first()
      .getAttribute('href');
    expect(href).toMatch(/\/confirm\/[A-Za-z0-9_-]{43}$/);
    // The link's host is the server's PUBLIC_URL; the test server listens on a port of its own.
    const confirmPath = new URL(href!).pathname;

    // --- The customer, on a phone, without signing in.
    const phone = await (await run.session.context('customer', { viewport: { width: 390, height: 844 } })).newPage();
    await phone.goto(confirmPath);
    await phone.getByRole('heading', { level: 1, name: `请确认订单 ${ORDER} 的终止` }).waitFor();
    await expectText(phone.locator('main'), number, `¥${amount(impact.refundDue)}`, EXPLANATION);
    // The contract's reply deadline, as a date, and what silence means under it.
    await expectText(phone.locator('main'), '请在此日期前答复', '北京时间当日 24:00 前', '逾期未答复视为不同意终止');
    await phone.locator('label', { has: phone.getByRole('radio', { name: '同意终止' }) }).click();
    expect(await phone.getByRole('radio', { name: '同意终止' }).isChecked()).toBe(true);
    await choose(phone, phone, '您希望的处理方式（可选）', '退款');
    await phone.getByLabel('留言（可选）', { exact: true }).fill('同意终止，请将余款退回原账户。');
    await phone.getByRole('button', { name: '同意终止并提交' }).click();
    await phone.getByRole('heading', { level: 1, name: '感谢您的答复' }).waitFor();
    await expectText(phone.getByRole('status'), '您已同意终止', `参考编号：${number}`);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth), 'no horizontal scrolling at 390 px').toBeLessThanOrEqual(390);

    await expectText(terminationHeader(clerk, number), '已生效');

    // --- Each department completes its checklist; sales by the clerk, in a second tab.
    for (const [page, kind] of [
      [purchasing, '确认供应商取消'],
      [warehouse, '确认库存'],
      [finance, '完成结算'],
    ] as const) {
      await openFollowUps(page);
      await completeTask(page, number, kind, `${kind}：已完成，单据已归档。`);
    }
    const clerkTasks = await clerk.context().newPage();
    await clerkTasks.goto('/follow-ups');
    await clerkTasks.getByRole('heading', { level: 1, name: '跟进清单' }).waitFor();
    await completeTask(clerkTasks, number, '记录客户协商结果', '已与客户电话确认退款方式。', {
      outcome: { label: '退款', details: '预付款扣除违约金后退还' },
    });
    // The last task closes the termination.
    await completeTask(clerkTasks, number, '更新客户档案', '客户档案已更新终止记录。', {
      message: `${number} 的全部跟进已完成，终止已关闭`,
    });
    await clerkTasks.close();

    // --- The clerk's page, open all along, shows the end and the whole story.
    await expectText(terminationHeader(clerk, number), '已关闭');
    await expectNoReload(clerk);
    await clerk.getByText('流程已结束。').waitFor();
    await clerk.getByRole('tab', { name: '审计记录' }).click();
    const timeline = clerk.getByRole('tabpanel', { name: '审计记录' }).getByRole('listitem').locator('strong');
    await expect.poll(() => timeline.allInnerTexts(), { timeout: UI_TIMEOUT }).toContain('终止关闭');
    const titles = await timeline.allInnerTexts();
    for (const title of [
      '提交终止申请',
      '全部批准，等待客户确认',
      '已向客户发送确认链接',
      '客户接受终止',
      '执行终止（订单、采购、库存、结算）',
      '终止生效',
      '终止关闭',
    ]) {
      expect(titles, title).toContain(title);
    }
    expect(titles.filter((t) => t === '审批通过')).toHaveLength(4);
    expect(titles.filter((t) => t === '完成跟进任务')).toHaveLength(5);

    // --- Beside the purchase orders the effect changed: how each supplier was told (queued: no worker runs here).
    await clerk.getByRole('tab', { name: /结算与跟进/ }).click();
    const supplierNotices = clerk.getByRole('list', { name: '供应商通知' });
    await expectText(supplierNotices, 'PO-2026-00001');
    await expectText(supplierNotices, 'PO-2026-00002');
    await expectText(supplierNotices, '排队中');

    // --- The database agrees.
    const [row] = await run.server.sql<{
      status: string;
      order_status: string;
      settlement: string;
      confirmation: string;
      resolution: string;
    }>(
      `select t.status, o.status as order_status, s.status as settlement, c.status as confirmation, c.preferred_resolution as resolution
         from termination t join sales_order o on o.id = t.order_id
         join settlement s on s.termination_id = t.id join customer_confirmation c on c.termination_id = t.id
        where t.number = $1`,
      [number],
    );
    expect(row).toEqual({
      status: 'CLOSED',
      order_status: 'TERMINATED',
      settlement: 'SETTLED',
      confirmation: 'ACCEPTED',
      resolution: 'REFUND',
    });
    const steps = await run.server.sql<{ status: string }>(
      `select a.status from approval_step a join termination t on t.id = a.termination_id where t.number = $1`,
      [number],
    );
    expect(steps.map((s) => s.status)).toEqual(['APPROVED', 'APPROVED', 'APPROVED', 'APPROVED']);
    const tasks = await run.server.sql<{ status: string; outcome: string | null; kind: string }>(
      `select f.status, f.outcome, f.kind from follow_up_task f join termination t on t.id = f.termination_id where t.number = $1`,
      [number],
    );
    expect(tasks).toHaveLength(5);
    expect(tasks.every((t) => t.status === 'DONE')).toBe(true);
    expect(tasks.find((t) => t.kind === 'CUSTOMER_OUTCOME')?.outcome).toBe('REFUND');

    expect(run.session.errors).toEqual([]);
  });

  it('does not let anyone submit a termination of a fully shipped order', { timeout: 90_000 }, async () => {
    const clerk = await run.session.signIn('clerk', 'clerk@example.com');
    await clerk.getByRole('link', { name: '订单', exact: true }).click();
    const search = clerk.getByPlaceholder('订单号或客户名称');
    await search.fill(BLOCKED_ORDER);
    await search.press('Enter');
    await clerk.getByText('共 1 条').waitFor();
    await clerk.getByRole('link', { name: BLOCKED_ORDER, exact: true }).click();
    const header = clerk.getByRole('heading', { level: 1, name: BLOCKED_ORDER }).locator('xpath=..');
    await expectText(header, '已发货');
    await clerk.getByRole('tab', { name: /订单行/ }).waitFor();
    // Nothing is open on the order: no Terminate button.
    expect(await clerk.getByRole('button', { name: '终止订单' }).count()).toBe(0);

    // The wizard, opened by its address, says so and never offers the submit button.
    await clerk.goto(`/orders/${BLOCKED_ORDER}/terminate`);
    await clerk.getByRole('alert').filter({ hasText: '此订单没有未结数量，无法终止。' }).waitFor();
    await choose(clerk, clerk, '终止原因', /^客户取消订单/);
    await clerk.getByLabel('情况说明', { exact: true }).fill('客户要求终止，但货物已全部发出。');
    await clerk.getByRole('button', { name: '下一步：影响评估' }).click();
    await expectText(clerk.getByRole('alert').filter({ hasText: '不能终止' }), '所有订单行都已发货或终止，没有可终止的数量。');
    await clerk.getByRole('status').filter({ hasText: '存在阻止项，不能提交。' }).waitFor();
    expect(await clerk.getByRole('button', { name: '下一步：确认' }).isDisabled()).toBe(true);
    expect(await clerk.getByRole('button', { name: '提交终止申请' }).count()).toBe(0);

    // Nor can anyone go around the page: the API refuses, and nothing was created.
    const refused = await run.server.gql<{ submitTermination: { __typename: string } }>(
      `mutation($input: SubmitTerminationInput!) { submitTermination(input: $input) { __typename } }`,
      { input: { orderNumber: BLOCKED_ORDER, reasonCode: 'CUSTOMER_CANCELLATION', explanation: '绕过页面直接提交。' } },
      await run.server.login('clerk@example.com'),
    );
    expect(refused.data?.submitTermination.__typename).toBe('TerminationBlockedError');
    const created = await run.server.sql(`select 1 from termination t join sales_order o on o.id = t.order_id where o.number = $1`, [
      BLOCKED_ORDER,
    ]);
    expect(created).toHaveLength(0);
    const [order] = await run.server.sql<{ status: string }>(`select status from sales_order where number = $1`, [BLOCKED_ORDER]);
    expect(order!.status).toBe('SHIPPED');

    expect(run.session.errors).toEqual([]);
  });

  it('switches to English from the header and keeps the choice after a reload', { timeout: 90_000 }, async () => {
    const page = await run.session.signIn('clerk', 'clerk@example.com');
    await page.getByRole('link', { name: '订单', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '订单' }).waitFor();
    expect(await page.title()).toBe('订单 · 订单终止管理');

    await page.getByRole('radiogroup', { name: '语言' }).getByText('English', { exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
    await page.getByRole('link', { name: 'Orders', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Open terminations', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByPlaceholder('Order number or customer name').waitFor();
    await expect.poll(() => page.title()).toBe('Orders · Order Termination');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.getByRole('link', { name: '订单', exact: true }).count()).toBe(0);

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
    await page.getByRole('link', { name: 'Terminations', exact: true }).waitFor();
    expect(await page.title()).toBe('Orders · Order Termination');
    expect(await page.getByRole('radio', { name: 'English' }).isChecked()).toBe(true);

    // And back.
    await page.getByRole('radiogroup', { name: 'Language' }).getByText('中文', { exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '订单' }).waitFor();
    await expect.poll(() => page.title()).toBe('订单 · 订单终止管理');

    expect(run.session.errors).toEqual([]);
  });
});
