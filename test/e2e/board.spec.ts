import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HEAD_OF, Workflow } from '../harness/workflow.js';
import { expectCount, expectText, useBrowserSessions } from './browser.js';

/** Issue #16: heads decide on the board with their department's own impact, several cards at once; lists for daily use. */

const run = useBrowserSessions();
const SHOTS = '/work/wt/h6-shots';

async function openOrders(count: number): Promise<string[]> {
  const rows = await run.server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION') and o.number not like 'SO-2026-0000%'
       and not exists (select 1 from termination t where t.order_id = o.id)
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
     order by o.number limit $1`,
    [count],
  );
  return rows.map((r) => r.number);
}

async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

describe('the board decides', () => {
  it(
    'cards show the department’s impact; filters live in the URL; Space selects, one confirmation decides several, each result shown',
    { timeout: 240_000 },
    async () => {
      const wf = new Workflow(run.server);
      // Purchasing decides at stage 1 too, so that its board shows its own part (purchase orders, penalties).
      await wf.as('admin@example.com', `mutation($i: ApprovalRuleInput!) { createApprovalRule(input: $i) { __typename } }`, {
        i: {
          code: 'E2E_PURCHASING',
          department: 'PURCHASING',
          stage: 1,
          condition: { always: true },
          slaHours: 24,
          descriptionZh: '看板测试',
          descriptionEn: 'board test',
        },
      });
      const numbers: string[] = [];
      for (const [i, orderNumber] of ['SO-2026-00001', ...(await openOrders(3))].entries()) {
        const t = await wf.submit('clerk@example.com', {
          orderNumber,
          reasonCode: i % 2 ? 'CUSTOMER_CHANGE' : 'CUSTOMER_CANCELLATION',
          explanation: '看板多选测试',
        });
        expect(t.__typename).toBe('SubmitTerminationSuccess');
        numbers.push(t.termination!.number as string);
      }

      const head = await run.session.signIn('sales head', HEAD_OF.SALES!);
      await head.goto('/board');
      const cards = head.getByTestId('board-card');
      await expectCount(cards, 4);
      await expectText(cards.first().getByTestId('department-impact'), '本部门需处理', '终止金额');

      // A filter by reason is kept in the URL and narrows the cards.
      await head.goto('/board?reason=CUSTOMER_CHANGE');
      await expectCount(cards, 2);
      await expectText(head.getByTestId('board-filter-count'), '显示 2 / 4 张');
      await head.goto('/board?overdue=1');
      await head.getByText('没有符合筛选条件的卡片').waitFor();
      await head.goto('/board?customer=' + encodeURIComponent('no such customer'));
      await expectCount(cards, 0);
      await head.goto('/board');
      await expectCount(cards, 4);

      // Keyboard: Space on a focused card selects it.
      const first = cards.nth(0);
      const second = cards.nth(1);
      const firstNumber = (await first.getAttribute('data-number'))!;
      const secondNumber = (await second.getAttribute('data-number'))!;
      await first.focus();
      await head.keyboard.press('Space');
      await second.focus();
      await head.keyboard.press('Space');
      await expectText(head.getByTestId('board-selection'), '已选 2 张');
      await expect.poll(() => first.getByRole('checkbox').isChecked()).toBe(true);
      await shot(head, 'board-multiselect-zh-CN');

      // One confirmation for both; one of them is decided meanwhile by someone else (an admin); the results list each card.
      await head.getByTestId('board-approve-selected').click();
      await expectCount(head.getByRole('dialog'), 1);
      await expectText(head.getByRole('dialog'), firstNumber, secondNumber);
      const meanwhile = (
        await wf.as<{ termination: { approvalSteps: { id: string; department: string; status: string }[] } }>(
          'admin@example.com',
          `query($n: String) { termination(number: $n) { approvalSteps { id department status } } }`,
          { n: secondNumber },
        )
      ).termination.approvalSteps.find((s) => s.department === 'SALES' && s.status === 'PENDING')!;
      await wf.decide('admin@example.com', meanwhile.id, 'APPROVE');

      await head.getByTestId('bulk-decision-confirm').click();
      await expectText(head.getByTestId('bulk-decision-summary'), '1 项成功，1 项未成功');
      await expectText(head.getByTestId('bulk-decision-results'), firstNumber, secondNumber);
      await shot(head, 'board-multiselect-results-zh-CN');
      await head.getByTestId('bulk-decision-close').click();
      await expectCount(cards, 2);

      // Enter on a focused card opens its request.
      const third = cards.nth(0);
      const thirdNumber = (await third.getAttribute('data-number'))!;
      await third.focus();
      await head.keyboard.press('Enter');
      await head.waitForURL((url) => url.pathname.endsWith(`/terminations/${thirdNumber}`));

      // The purchasing head sees purchase orders to cancel and penalties, in English too.
      const purchasing = await run.session.signIn('purchasing head', HEAD_OF.PURCHASING!);
      await purchasing.goto('/board');
      await expectText(purchasing.getByTestId('department-impact').first(), '采购单');
      await shot(purchasing, 'board-purchasing-zh-CN');
      // The header's language switch: the person's language from now on (saved on the server).
      await purchasing.getByRole('radiogroup', { name: '语言' }).getByText('English', { exact: true }).click();
      await expectText(purchasing.getByTestId('department-impact').first(), 'For your department', 'purchase orders');
      await purchasing.getByTestId('board-card-select').first().click();
      await expectText(purchasing.getByTestId('board-selection'), '1 selected');
      await shot(purchasing, 'board-purchasing-multiselect-en');
      await head.goto('/board');
      await head.getByRole('radiogroup', { name: '语言' }).getByText('English', { exact: true }).click();
      await expectText(head.getByTestId('department-impact').first(), 'Terminated');
      await shot(head, 'board-sales-en');
      // Back to Chinese (the switch saves each head's language): the later tests read their pages in Chinese.
      for (const page of [purchasing, head])
        await page.getByRole('radiogroup', { name: 'Language' }).getByText('中文', { exact: true }).click();
      await expect
        .poll(async () =>
          (
            await run.server.sql<{ language: string }>(`select language from app_user where email = any($1::text[])`, [
              [HEAD_OF.PURCHASING, HEAD_OF.SALES],
            ])
          ).map((r) => r.language),
        )
        .toEqual(['zh-CN', 'zh-CN']);
    },
  );

  it(
    'the board shows 24 cards a page; the pager works by keyboard; the customer filter asks once typing pauses',
    { timeout: 300_000 },
    async () => {
      const wf = new Workflow(run.server);
      // 25: more than a page whatever the earlier tests left on the board.
      for (const orderNumber of await openOrders(25)) {
        const t = await wf.submit('clerk@example.com', { orderNumber, reasonCode: 'CUSTOMER_CANCELLATION', explanation: '看板分页测试' });
        expect(t.__typename).toBe('SubmitTerminationSuccess');
      }
      const [{ n: pending }] = await run.server.sql<{ n: number }>(
        `select count(*)::int as n from approval_step s join termination t on t.id = s.termination_id
          where s.department = 'SALES' and s.status = 'PENDING' and t.status = 'PENDING_APPROVAL'`,
      );
      expect(pending).toBeGreaterThan(24);

      const head = await run.session.signIn('sales head', HEAD_OF.SALES!);
      await head.goto('/board');
      const cards = head.getByTestId('board-card');
      await expectCount(cards, 24);
      await expectText(head.getByTestId('board-filter-count'), `显示 ${pending} / ${pending} 张`);
      const firstPage = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-number')));

      // Next page by keyboard: Tab reaches the pager's button, Enter turns the page.
      const next = head.getByTestId('board-pager').getByRole('button', { name: '下一页' });
      await next.focus();
      await head.keyboard.press('Enter');
      await expectCount(cards, pending - 24);
      const secondPage = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-number')));
      expect(secondPage.filter((n) => firstPage.includes(n))).toEqual([]);
      await head.getByTestId('board-pager').getByRole('button', { name: '上一页' }).click();
      await expectCount(cards, 24);

      // The customer box: typing updates the URL (and asks the server) once, after a pause.
      const [{ name }] = await run.server.sql<{ name: string }>(
        `select c.name from termination t join sales_order o on o.id = t.order_id join customer c on c.id = o.customer_id
          where t.explanation = '看板分页测试' order by t.number limit 1`,
      );
      const requests: string[] = [];
      head.on('request', (r) => {
        if (r.url().endsWith('/graphql') && (r.postData() ?? '').includes('ApprovalBoardCards')) requests.push(r.postData()!);
      });
      // Element Plus passes the test id on to the native input.
      await head.getByTestId('board-filter-customer').pressSequentially(name, { delay: 40 });
      await head.waitForURL((url) => url.searchParams.get('customer') === name);
      await expect.poll(() => cards.count()).toBeLessThan(24);
      const matching = await cards.evaluateAll((els) => els.length);
      expect(matching).toBeGreaterThan(0);
      // One request for the whole name, not one per character.
      expect(requests.length).toBeLessThanOrEqual(2);
      await shot(head, 'board-paged-filtered-zh-CN');
    },
  );

  it('a clerk is not offered the bulk discontinuation page; the sales head sees what Start does', { timeout: 120_000 }, async () => {
    const clerk = await run.session.signIn('clerk', 'clerk@example.com');
    await expectCount(clerk.getByRole('navigation').getByText('停产批量终止'), 0);
    await clerk.goto('/bulk');
    await clerk.getByText('无权访问').first().waitFor();

    const head = await run.session.signIn('sales head', HEAD_OF.SALES!);
    await head.getByRole('navigation').getByText('停产批量终止').click();
    await head.waitForURL((url) => url.pathname === '/bulk');
  });

  it('follow-ups grouped by termination and filtered to one', { timeout: 180_000 }, async () => {
    const wf = new Workflow(run.server);
    const a = await wf.effectiveDuplicateOrder('分组测试 A');
    const [other] = await openOrders(1);
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: other,
      reasonCode: 'DUPLICATE_ORDER',
      explanation: '分组测试 B',
      customerConfirmationRequired: false,
    });
    const b = await wf.approveAndAccept(submitted.termination!.id as string);
    expect(b.status).toBe('EFFECTIVE');

    const head = await run.session.signIn('sales head', HEAD_OF.SALES!);
    await head.goto('/follow-ups?group=termination');
    const groups = head.getByTestId('follow-ups-group-section');
    await expectCount(groups, 2);
    await expectText(head.getByTestId('follow-ups-groups'), a.number, b.number);
    await shot(head, 'follow-ups-grouped-zh-CN');
    await head.goto(`/follow-ups?group=termination&termination=${a.id}`);
    await expectCount(groups, 1);
    await expectText(groups.first(), a.number);
  });

  it('the dashboard does not shift as its data arrives (CLS < 0.05 on a desktop)', { timeout: 120_000 }, async () => {
    const context = await run.session.context('cls', { reducedMotion: 'no-preference' });
    await context.addInitScript(() => {
      const w = window as unknown as { __cls: number };
      w.__cls = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
          if (entry.hadRecentInput) continue;
          w.__cls += entry.value;
          const sources = (entry as unknown as { sources?: { node?: Element }[] }).sources ?? [];
          console.log(`layout shift ${entry.value.toFixed(4)}: ${sources.map((s) => s.node?.className ?? '?').join(' | ')}`);
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const page = await context.newPage();
    page.on('console', (m) => m.text().startsWith('layout shift') && console.log(m.text()));
    await page.goto('/login');
    await page.getByLabel('邮箱', { exact: true }).fill('sales.head@example.com');
    await page.getByLabel('密码', { exact: true }).fill('demo1234');
    await page.getByLabel('密码', { exact: true }).press('Enter');
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    // A fresh load of the dashboard, as a returning user opens it.
    await page.goto('/');
    // Every skeleton gone: the data has arrived (charts, or their empty states when the database has none).
    await expect.poll(() => page.locator('.dashboard .el-skeleton').count(), { timeout: 20_000 }).toBe(0);
    await page.waitForTimeout(1500);
    const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
    console.log(`dashboard CLS on a 1440×900 viewport: ${cls.toFixed(4)}`);
    expect(cls).toBeLessThan(0.05);
  });
});
