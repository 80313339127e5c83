import { describe, expect, it } from 'vitest';
import { Workflow } from '../harness/workflow.js';
import { expectCount, expectText, useBrowserSessions } from './browser.js';

/**
 * Admin safeguards (issue #16) and the printable dossier (issue #17) in a real browser: an approval
 * rule is built as a form and previewed against recent terminations by the server's evaluator;
 * switching it off asks first (Escape keeps it on); the show-once API secret stays open until
 * "I copied it" is ticked, by keyboard; printed, the dossier shows the company and the record's
 * link and no controls, and the app's navigation disappears.
 */

const COMPANY = 'Acme 精密制造';
const run = useBrowserSessions({ env: { COMPANY_NAME: COMPANY, PUBLIC_URL: 'https://erp.example.com' } });

type RuleRow = { condition: unknown; active: boolean; department: string };
const ruleRow = async (code: string) =>
  (await run.server.sql<RuleRow>(`select condition, active, department from approval_rule where code = $1`, [code]))[0];

describe('admin safeguards and the printed dossier', () => {
  it('builds a rule as a form, previews it, and asks before switching it off', { timeout: 180_000 }, async () => {
    // A termination whose customer paid in advance: the rule drafted below applies to it.
    const wf = new Workflow(run.server);
    const paid = (
      await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION', explanation: '客户取消' })
    ).termination!.number;

    const page = await run.session.signIn('admin', 'admin@example.com');
    await page.goto('/admin/rules');
    await page.getByRole('button', { name: '新增规则' }).click();
    const dialog = page.getByRole('dialog', { name: '新增规则' });
    await dialog.getByLabel('代码', { exact: true }).fill('H2_PAID_SALES');
    await dialog.getByLabel('中文说明', { exact: true }).fill('已付款的订单由销售部审批');
    await dialog.getByLabel('英文说明', { exact: true }).fill('Paid orders need sales');

    // All of: amount paid > 0 (a second row is added and removed again).
    await dialog.getByText('满足全部条件', { exact: true }).click();
    const rows = dialog.getByTestId('condition-row');
    await expectCount(rows, 1);
    await rows.first().locator('.el-select').first().click();
    await page.getByRole('option', { name: '已付款金额', exact: true }).click();
    await dialog.getByLabel('值 1', { exact: true }).fill('0');
    await dialog.getByRole('button', { name: '添加条件' }).click();
    await expectCount(rows, 2);
    await dialog.getByRole('button', { name: '删除条件 2' }).click();
    await expectCount(rows, 1);

    await dialog.getByRole('button', { name: '预览匹配的终止申请' }).click();
    const preview = dialog.getByTestId('rule-preview-result');
    await expectText(preview, /最近 \d+ 条终止申请中有 \d+ 条符合此规则/, paid);

    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect
      .poll(() => ruleRow('H2_PAID_SALES'))
      .toMatchObject({ condition: { fact: 'amountPaid', op: 'gt', value: 0 }, active: true });

    // Switching it off asks first; Escape keeps it on.
    const row = page.locator('.el-table__row', { hasText: 'H2_PAID_SALES' });
    const switchOff = row.first().getByRole('button', { name: '停用', exact: true });
    await switchOff.click();
    const box = page.locator('.el-message-box');
    await box.getByText('停用规则', { exact: true }).waitFor();
    await expectText(box, 'H2_PAID_SALES');
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'hidden' });
    expect((await ruleRow('H2_PAID_SALES'))!.active).toBe(true);

    await switchOff.click();
    await box.getByRole('button', { name: '停用', exact: true }).click();
    await expect.poll(async () => (await ruleRow('H2_PAID_SALES'))!.active).toBe(false);
    await expectText(row.first(), '停用');
    expect(run.session.errors).toEqual([]);
  });

  it('keeps the show-once secret open until "I copied it" is ticked, by keyboard', { timeout: 120_000 }, async () => {
    const page = await run.session.signIn('admin', 'admin@example.com');
    await page.goto('/admin/api-keys');
    await page.getByRole('button', { name: '新建密钥' }).click();
    const dialog = page.getByRole('dialog', { name: '新建密钥' });
    await dialog.getByLabel('名称').fill('报表系统');
    await dialog.getByText('读取终止', { exact: true }).click();
    await dialog.getByRole('button', { name: '新建密钥' }).click();

    const secretDialog = page.getByRole('dialog', { name: /密钥已创建/ });
    await secretDialog.waitFor();
    const done = secretDialog.getByRole('button', { name: '我已保存' });
    expect(await done.isDisabled()).toBe(true);
    // Escape, a click beside it: the secret stays.
    await page.keyboard.press('Escape');
    await page.mouse.click(8, 8);
    await page.waitForTimeout(300);
    expect(await secretDialog.isVisible()).toBe(true);

    // Keyboard only: focus the checkbox, Space ticks it, the button becomes usable, Enter closes.
    await secretDialog.getByRole('checkbox', { name: '我已复制并妥善保存' }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => done.isDisabled()).toBe(false);
    await done.focus();
    await page.keyboard.press('Enter');
    await secretDialog.waitFor({ state: 'hidden' });
  });

  it('prints the dossier with the company and the link to the record, without controls or navigation', { timeout: 120_000 }, async () => {
    const [{ number }] = await run.server.sql<{ number: string }>(`select number from termination order by created_at desc limit 1`);
    const page = await run.session.signIn('clerk', 'clerk@example.com');

    await page.goto(`/terminations/${number}`);
    await page.getByTestId('dossier-pdf').waitFor();
    const nav = page.locator('.aside');
    expect(await nav.isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    await nav.waitFor({ state: 'hidden' });
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`/terminations/${number}/dossier`);
    const head = page.getByTestId('dossier-head');
    await expectText(head, COMPANY, `https://erp.example.com/terminations/${number}`);
    await page.emulateMedia({ media: 'print' });
    expect(await head.isVisible()).toBe(true);
    await page.getByRole('button', { name: '打印' }).waitFor({ state: 'hidden' });
    expect(await page.getByTestId('dossier-pdf').isVisible()).toBe(false);
    expect(run.session.errors).toEqual([]);
  });
});
