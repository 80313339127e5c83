import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FILES } from '../harness/files.js';
import { Workflow } from '../harness/workflow.js';
import { choose, expectText, submitWizard, useBrowserSessions } from './browser.js';

/**
 * Attachments in the browser: the clerk attaches the customer's letter while submitting, and
 * anyone reading the termination downloads it byte for byte from its page; the customer attaches
 * a signed confirmation on the confirmation page.
 */

const ORDER = 'SO-2026-00003';
const LETTER = '客户来函.pdf';

const run = useBrowserSessions();

describe('attachments in the browser', () => {
  it(
    'the clerk attaches the customer’s letter when submitting; the finance head downloads it from the termination page',
    { timeout: 180_000 },
    async () => {
      const letter = FILES.pdf();
      const clerk = await run.session.signIn('clerk', 'clerk@example.com');
      await clerk.goto(`${run.server.url}/orders/${ORDER}/terminate`);
      await clerk.getByRole('heading', { level: 1, name: '终止订单' }).waitFor();
      await choose(clerk, clerk, '终止原因', /^客户取消订单/);
      await clerk.getByLabel('情况说明', { exact: true }).fill('客户来函取消订单，函件附后。');
      await clerk.getByRole('button', { name: '下一步：影响评估' }).click();
      await clerk.getByRole('region', { name: '审批路径' }).waitFor();
      await clerk.getByRole('button', { name: '下一步：确认' }).click();
      await clerk.getByRole('heading', { name: '请确认终止申请' }).waitFor();

      // The picker opens from its button (keyboard-reachable); the file waits in the list until submit.
      const chooser = clerk.waitForEvent('filechooser');
      await clerk.getByRole('button', { name: '添加附件' }).click();
      await (await chooser).setFiles({ name: LETTER, mimeType: 'application/pdf', buffer: letter });
      await expectText(clerk.getByRole('list', { name: '附件（如客户来函）' }), LETTER);
      const number = await submitWizard(clerk);

      const [stored] = await run.server.sql<{ name: string; sha256: string; uploaded_by_type: string }>(
        `select a.name, a.sha256, a.uploaded_by_type from attachment a join termination t on t.id = a.termination_id where t.number = $1`,
        [number],
      );
      expect(stored).toEqual({ name: LETTER, sha256: createHash('sha256').update(letter).digest('hex'), uploaded_by_type: 'USER' });

      // Another department reads it on the termination page and downloads it.
      const finance = await run.session.signIn('finance-head', 'finance.head@example.com');
      await finance.goto(`${run.server.url}/terminations/${number}`);
      await finance.getByRole('heading', { level: 1, name: number }).waitFor();
      await finance.getByRole('tab', { name: /附件/ }).click();
      const panel = finance.getByRole('region', { name: '附件' });
      await expectText(panel, LETTER, '李晓梅', stored!.sha256.slice(0, 12));
      const download = finance.waitForEvent('download');
      await panel.getByRole('button', { name: `下载 ${LETTER}` }).click();
      const file = await (await download).path();
      expect(fs.readFileSync(file).equals(letter)).toBe(true);
      expect((await download).suggestedFilename()).toBe(LETTER);
    },
  );

  it(
    'the customer attaches a signed letter on the confirmation page; staff see it with the customer as uploader',
    { timeout: 180_000 },
    async () => {
      const wf = new Workflow(run.server);
      const t = await wf.submitApproved('clerk@example.com', {
        orderNumber: 'SO-2026-00002',
        reasonCode: 'CUSTOMER_CANCELLATION',
        explanation: '请客户确认并回传签字函件。',
        customerConfirmationRequired: true,
      });
      expect(t.status).toBe('AWAITING_CUSTOMER');
      const recipient = t.customerConfirmation!.recipient;
      const token = await wf.confirmationToken(recipient);
      const signed = FILES.pdf();

      const phone = await (await run.session.context('customer', { viewport: { width: 390, height: 844 } })).newPage();
      await phone.goto(`/confirm/${token}`);
      await phone.getByRole('heading', { level: 1, name: /^请确认订单 SO-2026-00002 的终止/ }).waitFor();
      // The page states the customer's allowance (the server's, 5 MB here).
      await expectText(phone.locator('main'), '最大 5 MB', '最多 5 个文件');
      const chooser = phone.waitForEvent('filechooser');
      await phone.getByRole('button', { name: '添加附件' }).click();
      await (await chooser).setFiles({ name: '签字确认.pdf', mimeType: 'application/pdf', buffer: signed });
      await expectText(phone.getByRole('status').filter({ hasText: '签字确认.pdf' }), '已添加 签字确认.pdf。');
      await phone.locator('label', { has: phone.getByRole('radio', { name: '同意终止' }) }).click();
      await phone.getByRole('button', { name: '同意终止并提交' }).click();
      await phone.getByRole('heading', { level: 1, name: '感谢您的答复' }).waitFor();

      const [stored] = await run.server.sql<{ sha256: string; uploaded_by_type: string; uploaded_by: string }>(
        `select a.sha256, a.uploaded_by_type, a.uploaded_by from attachment a where a.termination_id = $1`,
        [t.id],
      );
      expect(stored).toEqual({
        sha256: createHash('sha256').update(signed).digest('hex'),
        uploaded_by_type: 'CUSTOMER',
        uploaded_by: recipient,
      });

      const clerk = await run.session.signIn('clerk', 'clerk@example.com');
      await clerk.goto(`/terminations/${t.number}?tab=attachments`);
      const panel = clerk.getByRole('region', { name: '附件' });
      await expectText(panel, '签字确认.pdf', recipient, '客户', stored!.sha256.slice(0, 12));
      expect(run.session.errors).toEqual([]);
    },
  );
});
