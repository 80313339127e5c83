import { describe, expect, it } from 'vitest';
import { syncer } from '../harness/erp-sync.js';
import { Workflow } from '../harness/workflow.js';
import { expectText, useBrowserSessions } from './browser.js';

/** The sync overview in a real browser: empty until an ERP syncs, then its source with counts and row errors. */

const run = useBrowserSessions();

describe('sync overview in the browser', () => {
  it('an admin sees the empty state, then the source an ERP synced with its counts and its row errors', { timeout: 120_000 }, async () => {
    const page = await run.session.signIn('admin', 'admin@example.com');
    await page.goto('/admin/sync');
    await page.getByRole('tab', { name: '同步概览' }).waitFor();
    await page.getByText('尚无系统同步数据').waitFor();

    const wf = new Workflow(run.server);
    const key = await wf.as<{ createApiKey: { secret: string } }>(
      'admin@example.com',
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ... on CreateApiKeySuccess { secret } } }`,
      { i: { name: 'ERP e2e', scopes: ['ERP_SYNC'] } },
    );
    const sync = syncer(
      () => run.server,
      'ERP-E2E',
      () => key.createApiKey.secret,
    );
    const result = await sync({
      errorPolicy: 'REJECT_FAILED_ROWS',
      exchangeRates: [
        { externalId: 'e2e-good', fromCurrency: 'SGD', toCurrency: 'CNY', rate: '5.3', validFrom: '2026-11-01' },
        { externalId: 'e2e-bad', fromCurrency: 'SGD', toCurrency: 'CNY', rate: 'five', validFrom: '2026-11-02' },
      ],
    });
    expect(result).toMatchObject({ applied: true, created: 1, rejected: 1 });

    await page.reload();
    const table = page.locator('.el-table').first();
    await expectText(table, 'ERP-E2E', '已保存', '新建 1', '拒绝 1');
    await page.locator('.el-table__expand-icon').first().click();
    const errors = page.locator('.el-table__expanded-cell');
    await expectText(errors, 'ERP-E2E 最近的行错误', '汇率 #1 · e2e-bad', 'rate', 'INVALID');
  });
});
