// The benchmark database: created and seeded (`seed-volume`) when missing, reused when seeded.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { BENCH_DIR, DATABASE_URL, ROOT, log, round, withPg } from './common.js';

export const ORDERS = 100_000;
export const TERMINATIONS = 10_000;

function adminUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

async function counts(databaseUrl) {
  try {
    return await withPg(async (c) => {
      const { rows } = await c.query(`select (select count(*) from sales_order where number like 'SO-V-%')::int as orders,
                                             (select count(*) from termination where number like 'TR-V-%')::int as terminations`);
      return rows[0];
    }, databaseUrl);
  } catch {
    return { orders: 0, terminations: 0 };
  }
}

/** Our build's server/dist: it seeds the benchmark database. A before contender's build seeds its own. */
const OUR_DIST = path.join(ROOT, 'server/dist');

function runSeed(args, { dist, databaseUrl }) {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(process.execPath, [path.join(dist, 'main.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, SEED_DEMO: '1', LOG_LEVEL: 'warn', NODE_ENV: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (d) => {
      output += d;
      process.stdout.write(String(d).replace(/^(?=.)/gm, '  seed | '));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`seed-volume failed (${code}):\n${output.slice(-3000)}`))));
  });
}

/**
 * Appends terminations with the server's own seed function (compiled), e.g. to top up B3's supply;
 * a before contender's database with its own build's function.
 */
export async function seedTerminations(count, { dist = OUR_DIST, databaseUrl = DATABASE_URL } = {}) {
  const { seedTerminationVolume } = await import(path.join(dist, 'seed/termination-volume.js'));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await seedTerminationVolume(client, { terminations: count, log: (m) => log(`  ${m}`) });
  } finally {
    await client.end();
  }
}

/**
 * Makes sure the benchmark database holds ≥ 100 000 volume orders and ≥ 10 000 volume
 * terminations; seeds what is missing (`server/dist/main.js seed-volume`, which migrates and seeds
 * the demo data first). Returns the seed record (timings), kept in results/seed.json for ours
 * (`record: false` for a before contender's database, seeded by its `dist`).
 */
export async function ensureBenchDatabase({ databaseUrl = DATABASE_URL, dist = OUR_DIST, record: keepRecord = true } = {}) {
  const dbName = new URL(databaseUrl).pathname.slice(1);
  const exists = await withPg(
    async (c) => (await c.query('select 1 from pg_database where datname = $1', [dbName])).rowCount > 0,
    adminUrl(databaseUrl),
  );
  const before = exists ? await counts(databaseUrl) : { orders: 0, terminations: 0 };
  const recordFile = path.join(BENCH_DIR, 'results/seed.json');
  if (before.orders >= ORDERS && before.terminations >= TERMINATIONS) {
    log(`benchmark database ${dbName}: ${before.orders} volume orders, ${before.terminations} volume terminations (reused)`);
    if (!keepRecord) return { reused: true, ...before };
    return fs.existsSync(recordFile) ? { ...JSON.parse(fs.readFileSync(recordFile, 'utf8')), reused: true } : { reused: true, ...before };
  }
  const started = performance.now();
  let output = '';
  if (before.orders < ORDERS) {
    const orders = ORDERS - before.orders;
    log(`benchmark database ${dbName}: seeding (seed-volume --orders ${orders}: demo data, orders, terminations)`);
    output = await runSeed(['seed-volume', '--orders', String(orders)], { dist, databaseUrl });
  }
  const mid = await counts(databaseUrl);
  if (mid.terminations < TERMINATIONS) {
    log(`benchmark database ${dbName}: adding ${TERMINATIONS - mid.terminations} terminations`);
    await seedTerminations(TERMINATIONS - mid.terminations, { dist, databaseUrl });
  }
  const after = await counts(databaseUrl);
  const record = {
    date: new Date().toISOString(),
    seconds: round((performance.now() - started) / 1000, 1),
    orders: after.orders,
    terminations: after.terminations,
    ordersSeconds: Number(/seeded \d+ orders in ([\d.]+) s/.exec(output)?.[1] ?? NaN) || null,
    terminationsSeconds: Number(/seeded \d+ terminations in ([\d.]+) s/.exec(output)?.[1] ?? NaN) || null,
  };
  log(`benchmark database ${dbName} seeded in ${record.seconds} s`);
  if (!keepRecord) return { ...record, reused: false };
  fs.mkdirSync(path.dirname(recordFile), { recursive: true });
  fs.writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  return { ...record, reused: false };
}

/** Open volume orders that never had a termination; spread over customers and products. */
export async function freshOrders(limit, databaseUrl = DATABASE_URL) {
  return withPg(async (c) => {
    const { rows } = await c.query(
      `select o.number from sales_order o
        where o.number like 'SO-V-%' and o.status in ('CONFIRMED', 'IN_PRODUCTION')
          and not exists (select 1 from termination t where t.order_id = o.id)
        order by md5(o.number) limit $1`,
      [limit],
    );
    return rows.map((r) => r.number);
  }, databaseUrl);
}
