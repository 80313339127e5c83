// `pnpm bench [name…] [--quick] [--no-build]`: builds the server, makes sure the benchmark database
// exists and is seeded, runs the benchmarks (all, or the named ones: b1 … b9), prints one
// table, and writes test/bench/results/latest.json and the table into test/bench/README.md.
// Benchmarks measure; nothing here is a pass/fail test (targets are reported, not enforced).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runB1 } from './b1-partner-list.js';
import { runB2 } from './b2-sql-per-request.js';
import { runB3 } from './b3-fanout.js';
import { runB4 } from './b4-lifecycle.js';
import { runB5 } from './b5-spa.js';
import { runB6 } from './b6-sync.js';
import { runB7 } from './b7-webhooks.js';
import { runB8 } from './b8-lighthouse.js';
import { runB9 } from './b9-reads.js';
import { BENCH_DIR, DATABASE_URL, ROOT, log, round } from './lib/common.js';
import { prepareBefore } from './lib/before.js';
import { ensureBenchDatabase } from './lib/database.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const build = !args.includes('--no-build');
const ALIASES = {
  b1: 'b1',
  'partner-list': 'b1',
  b2: 'b2',
  sql: 'b2',
  b3: 'b3',
  fanout: 'b3',
  b4: 'b4',
  lifecycle: 'b4',
  b5: 'b5',
  spa: 'b5',
  b6: 'b6',
  sync: 'b6',
  b7: 'b7',
  webhooks: 'b7',
  b8: 'b8',
  lighthouse: 'b8',
  b9: 'b9',
  reads: 'b9',
};
const requested = args.filter((a) => !a.startsWith('--'));
for (const name of requested) {
  if (!ALIASES[name.toLowerCase()]) {
    process.stderr.write(`unknown benchmark ${name}; use one of ${Object.keys(ALIASES).join(', ')}\n`);
    process.exit(2);
  }
}
const selected = requested.length
  ? new Set(requested.map((n) => ALIASES[n.toLowerCase()]))
  : new Set(['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9']);

/** Full settings satisfy the contract (≥ 3 interleaved rounds of ≥ 8 s); --quick is for trying the harness. */
const SETTINGS = quick
  ? {
      b1: { rounds: 1, roundSec: 3, warmupSec: 2, connections: 16 },
      b3: { rounds: 1, roundSec: 3, clients: 1000, intervalMs: 400 },
      b4: { clients: 20, durationSec: 10, rounds: 1, warmupSec: 3 },
      b6: { orders: 2_000, rounds: 1 },
      b7: { clients: 20, durationSec: 10 },
      b8: { runs: 1 },
    }
  : {
      b1: { rounds: 3, roundSec: 10, warmupSec: 5, connections: 16 },
      // B3_CLIENTS=10000 measures 10 000 subscribers per contender, without the Redis pair (one socket
      // per subscriber in the load process, whose open-file limit must allow 2 × B3_CLIENTS).
      b3: { rounds: 3, roundSec: 8, clients: Number(process.env.B3_CLIENTS ?? 1000), intervalMs: 400, withRedis: !process.env.B3_CLIENTS },
      // With a before contender (BENCH_BEFORE) the 60 s are cut into interleaved rounds after a warm-up.
      b4: { clients: 20, durationSec: 60, rounds: 3, warmupSec: 10 },
      // B6_ORDERS lowers the count (per contender) when 100 000 takes too long on a machine.
      b6: { orders: Number(process.env.B6_ORDERS ?? 100_000), rounds: 4 },
      b7: { clients: 20, durationSec: 30 },
      b8: { runs: 3 },
    };

const RESULTS_DIR = path.join(BENCH_DIR, 'results');

function run(cmd, cmdArgs) {
  execFileSync(cmd, cmdArgs, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

function fmtRatio(r) {
  if (!r || typeof r !== 'object') return '—';
  return `${round(r.ratio, 2)}×`;
}
function fmtSpread(r) {
  if (!r || typeof r !== 'object' || !Number.isFinite(r.min)) return '—';
  return `${round(r.min, 2)}–${round(r.max, 2)}`;
}

function table(rows) {
  const header = ['bench', 'metric', 'ours', 'peer / baseline', 'ratio (medians)', 'spread (per round)', 'target', 'met'];
  const lines = rows.map((r) => [
    r.bench,
    r.metric,
    String(r.ours ?? '—'),
    String(r.peer ?? '—'),
    typeof r.ratio === 'string' ? r.ratio : fmtRatio(r.ratio),
    typeof r.ratio === 'string' ? '—' : fmtSpread(r.ratio),
    r.target ?? '—',
    r.met === null || r.met === undefined ? '—' : r.met ? 'yes' : '**no**',
  ]);
  const md = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join(
    '\n',
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const text = [header, ...lines].map((l) => l.map((v, i) => v.padEnd(widths[i])).join('  ')).join('\n');
  return { md, text };
}

function machine() {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    date: new Date().toISOString(),
  };
}

function writeReadme(summary, tableMd) {
  const file = path.join(BENCH_DIR, 'README.md');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const section = [
    start,
    `Machine: ${summary.machine.cores} cores (${summary.machine.cpu}), ${summary.machine.memoryGiB} GiB, Node ${summary.machine.node}. ` +
      `Last run of each: ${summary.benchmarks.map((b) => `${b.toUpperCase()} ${summary.results[b]?.date?.slice(0, 16).replace('T', ' ') ?? '?'} UTC`).join(', ')}; ` +
      `the last \`pnpm bench\` invocation took ${summary.totalSeconds} s.`,
    '',
    tableMd,
    '',
    `Seed (\`pnpm seed:volume\`, ${summary.seed?.orders ?? '?'} orders + ${summary.seed?.terminations ?? '?'} terminations): ${summary.seed?.seconds ?? '?'} s on ${summary.seed?.date?.slice(0, 10) ?? '?'}. Raw numbers: [results/latest.json](results/latest.json).`,
    end,
  ].join('\n');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${start}\n${end}\n`;
  const next = current.includes(start) ? current.replace(new RegExp(`${start}[\\s\\S]*${end}`), section) : `${current}\n${section}\n`;
  fs.writeFileSync(file, next);
}

async function main() {
  const started = performance.now();
  if (build) {
    log('building @ot/shared and server (compiled server is what gets measured)');
    run('pnpm', ['--filter', '@ot/shared', 'build']);
    run('pnpm', ['--filter', 'server', 'build']);
  }
  // B5 needs no database; B9 brings its own two (100 000 and 1 000 000 orders, see b9-reads.js).
  const needsDb = [...selected].some((b) => b !== 'b5' && b !== 'b9');
  const seed = needsDb ? await ensureBenchDatabase() : null;
  // An older build as a contender of B1, B3 and B4, on its own database (lib/before.js).
  const before = ['b1', 'b3', 'b4'].some((b) => selected.has(b)) ? await prepareBefore() : null;
  if (before) log(`before contender: ${before.label} (${before.dist}) on ${new URL(before.databaseUrl).pathname.slice(1)}`);
  const results = {};
  const order = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9'].filter((b) => selected.has(b));
  for (const b of order) {
    const t0 = performance.now();
    log(`=== ${b.toUpperCase()} ===`);
    try {
      if (b === 'b1') results.b1 = await runB1({ ...SETTINGS.b1, before });
      if (b === 'b2') results.b2 = await runB2();
      if (b === 'b3') results.b3 = await runB3({ ...SETTINGS.b3, before });
      if (b === 'b4') results.b4 = await runB4({ ...SETTINGS.b4, before });
      if (b === 'b6') results.b6 = await runB6(SETTINGS.b6);
      if (b === 'b7') results.b7 = await runB7(SETTINGS.b7);
      if (b === 'b5') results.b5 = await runB5({ build });
      if (b === 'b8') results.b8 = await runB8({ ...SETTINGS.b8, build });
      if (b === 'b9') results.b9 = await runB9();
      results[b].seconds = round((performance.now() - t0) / 1000, 1);
      results[b].date = new Date().toISOString();
    } catch (error) {
      log(`${b.toUpperCase()} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      results[b] = {
        failed: String(error instanceof Error ? error.message : error).slice(0, 2000),
        rows: [{ bench: b.toUpperCase(), metric: 'run', ours: 'FAILED', target: '—', met: false }],
      };
    }
  }
  const rows = order.flatMap((b) => results[b].rows);
  const { text } = table(rows);
  const totalSeconds = round((performance.now() - started) / 1000, 0);
  process.stdout.write(`\n${text}\n\n${machine().cores} cores, ${new Date().toISOString()}, ${totalSeconds} s in all\n`);

  const summary = {
    machine: machine(),
    quick,
    databaseUrl: DATABASE_URL.replace(/\/\/[^@]*@/, '//…@'),
    benchmarks: order,
    totalSeconds,
    seed: seed ?? readSeedRecord(),
    before: before && { label: before.label, rev: before.rev, dist: before.dist, seed: before.seed },
    results,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  if (quick || process.env.BENCH_SERVER_DIST) {
    // Trials and other builds of the server never replace the recorded results.
    const file = quick ? 'quick.json.tmp' : 'other-server.json.tmp';
    fs.writeFileSync(
      path.join(RESULTS_DIR, file),
      `${JSON.stringify({ ...summary, serverDist: process.env.BENCH_SERVER_DIST ?? null }, null, 2)}\n`,
    );
    log(`results in results/${file}; latest.json and README.md left alone`);
    return;
  }
  // A partial run keeps the other benchmarks' latest results.
  const latestFile = path.join(RESULTS_DIR, 'latest.json');
  let merged = summary;
  if (requested.length && fs.existsSync(latestFile)) {
    const previous = JSON.parse(fs.readFileSync(latestFile, 'utf8'));
    merged = {
      ...summary,
      results: { ...previous.results, ...results },
      benchmarks: [...new Set([...(previous.benchmarks ?? []), ...order])].sort(),
    };
  }
  fs.writeFileSync(latestFile, `${JSON.stringify(merged, null, 2)}\n`);
  const allRows = merged.benchmarks.flatMap((b) => merged.results[b]?.rows ?? []);
  writeReadme(merged, table(allRows).md);
  log(`results written to test/bench/results/latest.json and test/bench/README.md`);
}

function readSeedRecord() {
  const file = path.join(RESULTS_DIR, 'seed.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
