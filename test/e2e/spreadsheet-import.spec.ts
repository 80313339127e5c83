import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowsOfXlsx, xlsxOf } from '../harness/imports.js';
import { choose, expectText, useBrowserSessions } from './browser.js';

/** Spreadsheet import in the SPA: template download, upload of the filled workbook, dry run, import with its progress bar. */

const dir = mkdtempSync(path.join(os.tmpdir(), 'ot-import-e2e-'));
const run = useBrowserSessions({ env: { RUN_WORKER: '1', DATA_DIR: dir, IMPORT_CHUNK_SIZE: '5' } });
const RECORDS = 40;

describe('spreadsheet import in the browser', () => {
  it('an admin downloads a template, uploads it filled in, sees the dry run, imports and sees 100 %', { timeout: 180_000 }, async () => {
    const page = await run.session.signIn('admin', 'admin@example.com');
    await page.goto('/admin/imports');
    await page.getByRole('tab', { name: '表格导入' }).waitFor();
    await choose(page, page, '记录类型', '仓库');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template-xlsx').click()]);
    expect(download.suggestedFilename()).toBe('template-warehouse-zh-CN.xlsx');
    const header = (await rowsOfXlsx(readFileSync((await download.path())!)))[0] as string[];
    expect(header).toEqual(['外部编号', '来源版本', '仓库代码', '名称', '城市']);
    const rows = Array.from({ length: RECORDS }, (_, i) => [`E2E-W${i}`, 1, `E2E${String(i).padStart(3, '0')}`, `浏览器仓库 ${i}`, '杭州']);
    const file = path.join(dir, '仓库.xlsx');
    writeFileSync(file, await xlsxOf([header, ...rows]));

    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-upload').click();
    await expectText(page.getByTestId('dry-run-summary'), `试运行：已检查 ${RECORDS} 条记录，其中 0 条有错误。`, '尚未写入任何数据');
    expect(await run.server.sql(`select count(*)::int as n from warehouse where code like 'E2E%'`)).toEqual([{ n: 0 }]);

    await page.getByTestId('import-start').click();
    await expectText(page.getByTestId('import-status'), '已完成');
    await expectText(page.getByTestId('import-progress'), '100%');
    await expectText(page.getByTestId('import-created'), String(RECORDS));
    await expectText(page.getByTestId('import-runs'), '仓库.xlsx', '已完成');
    expect(await run.server.sql(`select count(*)::int as n from warehouse where code like 'E2E%'`)).toEqual([{ n: RECORDS }]);
    expect(run.session.errors).toEqual([]);
  });
});
