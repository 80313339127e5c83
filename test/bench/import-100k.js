// Spreadsheet import at volume: IMPORT_ROWS (default 100 000) products in one CSV, uploaded to a
// compiled API (job worker on), dry run then import; the API process's RSS is sampled every
// second. Reported: rows/s of each phase and RSS at the start, the peak and the end — flat memory
// means the peak does not grow with the file. Not part of `pnpm bench` (it takes long): run
// `pnpm --filter server build && node test/bench/import-100k.js` (IMPORT_ROWS=5000 for a quick look).
/* global FormData, Blob -- Node 20's fetch API */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gql, log, login, rssMiB, sleep, startApi } from './lib/common.js';

const ROWS = Number(process.env.IMPORT_ROWS ?? 100_000);
const DATABASE_URL = process.env.IMPORT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ot_import_bench';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-import-bench-'));

function writeCsv(file) {
  const out = fs.createWriteStream(file);
  out.write('External ID,SKU,Name,Unit,List price\r\n');
  for (let i = 0; i < ROWS; i++) out.write(`BP-${i},BSKU-${String(i).padStart(7, '0')},Bench product ${i},PCS,${(i % 1000) + 0.5}\r\n`);
  return new Promise((resolve) => out.end(resolve));
}

const RUN = `query($id: ID!) { importRun(id: $id) { status totalRecords validatedRecords invalidRecords processedRecords created updated unchanged rejected error } }`;

async function main() {
  const file = path.join(dir, 'products.csv');
  await writeCsv(file);
  log(`wrote ${ROWS} rows (${(fs.statSync(file).size / 1_048_576).toFixed(1)} MB)`);
  const api = await startApi('import-bench', {
    DATABASE_URL,
    NODE_ENV: 'development',
    SEED_DEMO: '1',
    RUN_WORKER: '1',
    DATA_DIR: dir,
    IMPORT_MAX_BYTES: String(200 * 1_048_576),
  });
  try {
    const token = await login(api.url, 'admin@example.com');
    const samples = [];
    const sample = (phase) => samples.push({ phase, at: Date.now(), rss: rssMiB(api.pid) });
    sample('start');
    const form = new FormData();
    form.append('kind', 'PRODUCT');
    form.append('source', `BENCH-${Date.now()}`);
    form.append('file', new Blob([fs.readFileSync(file)]), 'products.csv');
    const up = await (
      await fetch(`${api.url}/imports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } })
    ).json();
    if (!up.id) throw new Error(JSON.stringify(up));
    const poll = async (done, phase) => {
      for (;;) {
        const run = (await gql(api.url, RUN, { id: up.id }, token)).importRun;
        sample(phase);
        if (done(run)) return run;
        if (run.status === 'FAILED') throw new Error(run.error);
        await sleep(1000);
      }
    };
    const t0 = Date.now();
    const checked = await poll((r) => r.status === 'VALIDATED', 'dry run');
    const t1 = Date.now();
    await gql(api.url, `mutation($id: ID!) { startImport(input: { id: $id }) { __typename } }`, { id: up.id }, token);
    const imported = await poll((r) => r.status === 'COMPLETED', 'import');
    const t2 = Date.now();
    const peak = (phase) => Math.max(...samples.filter((s) => s.phase === phase).map((s) => s.rss));
    const result = {
      rows: ROWS,
      dryRun: { seconds: (t1 - t0) / 1000, rowsPerSecond: Math.round(ROWS / ((t1 - t0) / 1000)), invalid: checked.invalidRecords },
      import: {
        seconds: (t2 - t1) / 1000,
        rowsPerSecond: Math.round(ROWS / ((t2 - t1) / 1000)),
        created: imported.created,
        rejected: imported.rejected,
      },
      rssMiB: {
        start: samples[0].rss,
        dryRunPeak: peak('dry run'),
        importPeak: peak('import'),
        // The peak in the first and the last tenth of the import: flat memory keeps them close.
        importFirstTenth: Math.max(...samples.filter((s) => s.phase === 'import' && s.at < t1 + (t2 - t1) / 10).map((s) => s.rss)),
        importLastTenth: Math.max(...samples.filter((s) => s.phase === 'import' && s.at > t2 - (t2 - t1) / 10).map((s) => s.rss)),
      },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await api.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
