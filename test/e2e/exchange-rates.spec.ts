import { describe, expect, it } from 'vitest';
import { Workflow } from '../harness/workflow.js';
import { expectText, useBrowserSessions } from './browser.js';

/** Money by currency in the SPA: the admin's exchange-rate page and the dashboard's per-currency figures. */

const run = useBrowserSessions();

describe('exchange rates in the browser', () => {
  it('an admin sees the rates, is told what is wrong with bad input, and sets a new rate', { timeout: 120_000 }, async () => {
    const page = await run.session.signIn('admin', 'admin@example.com');
    await page.goto('/admin/exchange-rates');
    await page.getByRole('tab', { name: '汇率' }).waitFor();
    const table = page.locator('.el-table');
    await expectText(table, 'USD', '1 USD = 7.12000000 CNY', '2026-01-01');

    await page.getByRole('button', { name: '设置汇率' }).click();
    const dialog = page.getByRole('dialog', { name: '设置汇率' });
    await dialog.getByLabel('币种').fill('cny');
    await dialog.getByLabel('汇率').fill('0');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.getByText('CNY 是本位币，汇率恒为 1').waitFor();
    await dialog.getByText('大于 0 的数字，最多 8 位小数').waitFor();

    await dialog.getByLabel('币种').fill('chf');
    await dialog.getByLabel('汇率').fill('8.1234');
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByText(/已保存 CHF 自 \d{4}-\d{2}-\d{2} 起的汇率/).waitFor();
    await expectText(table, '1 CHF = 8.12340000 CNY');
    const stored = await run.server.sql<{ rate: string; source: string }>(
      `select rate::text as rate, source from exchange_rate where from_currency = 'CHF'`,
    );
    expect(stored).toEqual([{ rate: '8.12340000', source: 'ADMIN' }]);
  });

  it('the dashboard shows each currency apart and the total in the base currency', { timeout: 180_000 }, async () => {
    const wf = new Workflow(run.server);
    for (const [orderNumber, reasonCode] of [
      ['SO-2026-00005', 'DUPLICATE_ORDER'],
      ['SO-2026-00340', 'CUSTOMER_CANCELLATION'],
    ] as const) {
      let t = await wf.submitApproved('clerk@example.com', { orderNumber, reasonCode, explanation: 'dashboard currency case' });
      if (t.status === 'AWAITING_CUSTOMER') {
        await wf.respond(await wf.confirmationToken(t.customerConfirmation!.recipient), true, { preferredResolution: 'REFUND' });
        t = await wf.get(t.id);
      }
      expect(t.status).toMatch(/^(EFFECTIVE|CLOSED)$/);
    }
    const page = await run.session.signIn('auditor', 'auditor@example.com');
    const card = page.getByTestId('money-card');
    await card.getByRole('heading', { name: '各币种终止金额' }).waitFor();
    const rows = card.getByTestId('by-currency').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    await expectText(rows.nth(0), 'CNY');
    await expectText(rows.nth(1), 'USD', 'US$');
    await card.getByTestId('base-total').waitFor();
    await expectText(card, '折合 CNY 合计');
  });
});
