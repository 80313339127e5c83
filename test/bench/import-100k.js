// Spreadsheet import at volume: IMPORT_ROWS (default 100 000) products in one CSV, uploaded to a
// compiled API (job worker on), dry run then import; the API process's RSS is sampled every
// second. Reported: rows/s of each phase and RSS at the start, the peak and the end — flat memory
// means the peak does not grow with the file. The live heap after a full collection (lib/heap-probe.js)
// is read at the start and at each quarter of both phases: what survives a collection is what the
// run holds, where RSS also counts heap V8 has not given back. Not part of `pnpm bench` (it takes long): run
// `pnpm --filter server build && node test/bench/import-100k.js` (IMPORT_ROWS=5000 for a quick look).
/* global FormData, Blob -- Node 20's fetch API */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, gql, log, login, rssMiB, sleep, startApi } from './lib/common.js';

const ROWS = Number(process.env.IMPORT_ROWS ?? 100_000);
const DATABASE_URL = process.env.IMPORT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ot_import_bench';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-import-bench-'));
const heapFile = path.join(dir, 'heap.txt');

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
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --import ${path.join(BENCH_DIR, 'lib/heap-probe.js')}`.trim(),
    HEAP_PROBE_FILE: heapFile,
  });
  const probes = () => (fs.existsSync(heapFile) ? fs.readFileSync(heapFile, 'utf8').trim().split('\n').filter(Boolean) : []);
  /** MiB of heap alive after a full collection in the API process. */
  const liveHeap = async () => {
    const before = probes().length;
    process.kill(api.pid, 'SIGUSR2');
    for (let i = 0; i < 100; i++) {
      await sleep(100);
      const lines = probes();
      if (lines.length > before) return Number(lines.at(-1));
    }
    return null;
  };
  const heap = { start: null, dryRun: [], import: [] };
  try {
    const token = await login(api.url, 'admin@example.com');
    const samples = [];
    const sample = (phase) => samples.push({ phase, at: Date.now(), rss: rssMiB(api.pid) });
    sample('start');
    heap.start = await liveHeap();
    const form = new FormData();
    form.append('kind', 'PRODUCT');
    form.append('source', `BENCH-${Date.now()}`);
    form.append('file', new Blob([fs.readFileSync(file)]), 'products.csv');
    const up = await (
      await fetch(`${api.url}/imports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } })
    ).json();
    if (!up.id) throw new Error(JSON.stringify(up));
    const poll = async (done, phase, rowsOf, quarters) => {
      for (;;) {
        const run = (await gql(api.url, RUN, { id: up.id }, token)).importRun;
        sample(phase);
        // The live heap once per quarter of the rows passed (the last one when the phase is done).
        if (quarters.length < 3 && rowsOf(run) >= (ROWS * (quarters.length + 1)) / 4 && !done(run)) quarters.push(await liveHeap());
        if (done(run)) return run;
        if (run.status === 'FAILED') throw new Error(run.error);
        await sleep(1000);
      }
    };
    const t0 = Date.now();
    const checked = await poll(
      (r) => r.status === 'VALIDATED',
      'dry run',
      (r) => r.validatedRecords,
      heap.dryRun,
    );
    heap.dryRun.push(await liveHeap());
    const t1 = Date.now();
    await gql(api.url, `mutation($id: ID!) { startImport(input: { id: $id }) { __typename } }`, { id: up.id }, token);
    const imported = await poll(
      (r) => r.status === 'COMPLETED',
      'import',
      (r) => r.processedRecords,
      heap.import,
    );
    heap.import.push(await liveHeap());
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
    result.liveHeapMiB = heap;
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await api.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
