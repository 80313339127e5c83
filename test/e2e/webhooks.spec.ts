import { afterAll, describe, expect, it } from 'vitest';
import { startImReceiver, type ImReceiver } from '../harness/im-receivers.js';
import { expectText, useBrowserSessions } from './browser.js';

/**
 * The webhook endpoints page in a real browser: an admin registers a partner endpoint and is shown
 * its whsec_ secret once, in a dialog that only "I have saved it" closes; then a DingTalk robot
 * (a local receiver that checks DingTalk's documented signature) gets a test message sent by the
 * server's worker, and the deliveries drawer shows it succeeded. Local URLs are accepted because
 * the server runs with WEBHOOK_ALLOWED_HOSTS=127.0.0.1.
 */

const run = useBrowserSessions({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', RUN_WORKER: '1' } });
const robots: ImReceiver[] = [];
afterAll(async () => {
  await Promise.all(robots.map((r) => r.close()));
});

describe('webhook endpoints in the browser', () => {
  it(
    'an admin creates an endpoint and sees its secret once; a DingTalk robot receives a signed test; rotate and delete ask first',
    { timeout: 180_000 },
    async () => {
      const page = await run.session.signIn('admin', 'admin@example.com');
      await page.goto('/admin/webhooks');
      await page.getByRole('tab', { name: 'Webhook 推送' }).waitFor();
      await page.getByText('还没有 Webhook 端点').waitFor();

      // A partner endpoint: the server generates its secret and shows it this once.
      const partnerUrl = 'http://127.0.0.1:9/hooks/partner';
      await page.getByRole('button', { name: '新建端点' }).click();
      let dialog = page.getByRole('dialog', { name: '新建端点' });
      await dialog.getByLabel('地址', { exact: true }).fill(partnerUrl);
      await dialog.getByLabel('说明', { exact: true }).fill('合作方 WMS');
      await dialog.getByRole('button', { name: '全选' }).click();
      await dialog.getByRole('button', { name: '保存' }).click();

      const secretDialog = page.getByRole('dialog', { name: '请保存签名密钥' });
      await secretDialog.waitFor();
      const secret = await secretDialog.getByLabel('签名密钥').inputValue();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
      // Neither Escape nor a click beside the dialog loses the secret.
      await page.keyboard.press('Escape');
      await page.mouse.click(8, 8);
      await page.waitForTimeout(300);
      expect(await secretDialog.isVisible()).toBe(true);
      await secretDialog.getByText('我已复制并妥善保存').click();
      await secretDialog.getByRole('button', { name: '我已保存' }).click();
      await secretDialog.waitFor({ state: 'hidden' });

      const table = page.getByTestId('webhook-endpoints');
      await expectText(table, partnerUrl, '通用 Webhook', '合作方 WMS', '启用', '尚未投递');
      const stored = await run.server.sql<{ sealed: string }>(`select secret_sealed as sealed from webhook_endpoint`);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.sealed).not.toContain(secret.slice('whsec_'.length, 20));

      // A DingTalk group robot with 加签: its secret is pasted, nothing is shown back.
      const robot = await startImReceiver('DINGTALK');
      robots.push(robot);
      await page.getByRole('button', { name: '新建端点' }).click();
      dialog = page.getByRole('dialog', { name: '新建端点' });
      await dialog.getByText('钉钉群机器人').click();
      await dialog.getByLabel('地址', { exact: true }).fill(robot.url);
      await dialog.getByLabel('签名密钥', { exact: true }).fill(robot.secret!);
      await dialog.getByRole('button', { name: '全选' }).click();
      await dialog.getByRole('button', { name: '保存' }).click();
      await page.getByText('已创建端点').waitFor();
      expect(await secretDialog.isVisible()).toBe(false);
      const row = table.locator('tr', { hasText: robot.url });
      await expectText(row, '钉钉群机器人', '提交终止申请');

      // Send test: the worker signs and posts it; the robot checks the signature; the log shows the result.
      await row.getByRole('button', { name: '发送测试' }).click();
      const drawer = page.getByRole('dialog', { name: /^投递记录：/ });
      await drawer.waitFor();
      const [message] = await robot.waitFor(1, 30_000);
      expect(robot.refused).toEqual([]);
      expect(message!.link).toMatch(/^http:\/\/.+\/terminations/);
      await expect
        .poll(
          async () => {
            await drawer.getByRole('button', { name: '刷新' }).click();
            return drawer.getByTestId('webhook-deliveries').innerText();
          },
          { timeout: 30_000, interval: 1_000 },
        )
        .toMatch(/测试[\s\S]*成功[\s\S]*HTTP 200/);
      await drawer.getByRole('button', { name: /关闭|Close/ }).click();
      await drawer.waitFor({ state: 'hidden' });

      // Rotating asks first, then shows the new secret once; the old one is gone.
      const partnerRow = table.locator('tr', { hasText: partnerUrl });
      await partnerRow.getByRole('button', { name: '轮换密钥' }).click();
      const confirm = page.locator('.el-message-box');
      await confirm.getByText('旧密钥立即失效').waitFor();
      await confirm.getByRole('button', { name: '轮换密钥' }).click();
      await secretDialog.waitFor();
      const rotated = await secretDialog.getByLabel('签名密钥').inputValue();
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);
      await secretDialog.getByText('我已复制并妥善保存').click();
      await secretDialog.getByRole('button', { name: '我已保存' }).click();
      await secretDialog.waitFor({ state: 'hidden' });
      await expectText(partnerRow, `…${rotated.slice(-4)}`);

      // Deleting asks first.
      await row.getByRole('button', { name: '删除' }).click();
      await confirm.getByText('此操作不可恢复').waitFor();
      await confirm.getByRole('button', { name: '删除' }).click();
      await page.getByText('已删除端点').waitFor();
      await expect.poll(() => row.count()).toBe(0);
      await expectText(table, partnerUrl);
    },
  );
});
