import { describe, expect, it } from 'vitest';
import { choose, expectText, useBrowserSessions } from './browser.js';

/** Staff e-mail settings from the user menu, and partner keys bound to a department, as a person uses them. */

const run = useBrowserSessions();

describe('staff e-mail settings and department-bound partner keys in the browser', () => {
  it(
    'a head opens the settings from the user menu by keyboard and opts in to approvals due, in English',
    { timeout: 120_000 },
    async () => {
      const page = await run.session.signIn('warehouse', 'warehouse.head@example.com');
      const menu = page.getByRole('button', { name: /^用户菜单/ });
      await menu.focus();
      await page.keyboard.press('Enter');
      const item = page.getByRole('menuitem', { name: '通知设置' });
      await item.waitFor();
      await item.focus();
      await page.keyboard.press('Enter');

      const dialog = page.getByRole('dialog', { name: '通知设置' });
      await expectText(dialog, 'warehouse.head@example.com', '待我部门审批', '仅英文');
      // Nothing is chosen by default (opt-in).
      expect(await dialog.getByRole('checkbox', { checked: true }).count()).toBe(0);
      // By keyboard: Space ticks the focused box and picks the focused language.
      await dialog.getByRole('checkbox', { name: /待我部门审批/ }).focus();
      await page.keyboard.press('Space');
      await dialog.getByRole('radio', { name: '仅英文' }).focus();
      await page.keyboard.press('Space');
      await expect.poll(() => dialog.getByRole('checkbox', { name: /待我部门审批/ }).isChecked()).toBe(true);
      await dialog.getByRole('button', { name: '保存' }).click();
      // The language is the person's one language: the app follows it at once.
      await page.getByText('Notification settings saved').waitFor();

      const [stored] = await run.server.sql<{ mail_kinds: string[]; language: string }>(
        `select p.mail_kinds, u.language from notification_preference p join app_user u on u.id = p.user_id where u.email = 'warehouse.head@example.com'`,
      );
      expect(stored).toEqual({ mail_kinds: ['APPROVALS_DUE'], language: 'en' });

      // Opened again, it shows the choice as stored.
      await page.getByRole('button', { name: /^User menu/ }).click();
      await page.getByRole('menuitem', { name: 'Notification settings' }).click();
      const again = page.getByRole('dialog', { name: 'Notification settings' });
      await expect.poll(() => again.getByRole('checkbox', { name: /An approval of my department is due/ }).isChecked()).toBe(true);
      expect(await again.getByRole('radio', { name: 'English only' }).isChecked()).toBe(true);
      expect(run.session.errors).toEqual([]);
    },
  );

  it('an admin must pick a department for a key that completes follow-up tasks, and the list shows it', { timeout: 120_000 }, async () => {
    const page = await run.session.signIn('admin', 'admin@example.com');
    await page.goto('/admin/api-keys');
    await page.getByRole('button', { name: '新建密钥' }).click();
    const dialog = page.getByRole('dialog', { name: '新建密钥' });
    await dialog.getByLabel('名称').fill('WMS 华东仓');
    expect(await dialog.getByText('所属部门').count()).toBe(0);
    await dialog.getByText('完成本部门跟进任务').click();
    await dialog.getByRole('button', { name: '新建密钥' }).click();
    await dialog.getByText('完成跟进任务的密钥须指定一个部门。').waitFor();

    await choose(page, dialog, '所属部门', '仓储部');
    await dialog.getByRole('button', { name: '新建密钥' }).click();
    const secretDialog = page.getByRole('dialog', { name: /密钥已创建/ });
    await secretDialog.getByText('我已复制并妥善保存').click();
    await secretDialog.getByRole('button', { name: '我已保存' }).click();
    const row = page.locator('.el-table__row', { hasText: 'WMS 华东仓' });
    await expectText(row, '仓储部', '完成本部门跟进任务');
    const [key] = await run.server.sql<{ department_code: string }>(`select department_code from api_key where name = 'WMS 华东仓'`);
    expect(key!.department_code).toBe('WAREHOUSE');
    expect(run.session.errors).toEqual([]);
  });
});
