// The benchmark database: created and seeded (`seed-volume`) when missing, reused when seeded.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { BENCH_DIR, DATABASE_URL, ROOT, log, round, withPg } from './common.js';

export const ORDERS = 100_000;
export const TERMINATIONS = 10_000;

function adminUrl() {
  const url = new URL(DATABASE_URL);
  url.pathname = '/postgres';
  return url.toString();
}

async function counts() {
  try {
    return await withPg(async (c) => {
      const { rows } = await c.query(`select (select count(*) from sales_order where number like 'SO-V-%')::int as orders,
                                             (select count(*) from termination where number like 'TR-V-%')::int as terminations`);
      return rows[0];
    });
  } catch {
    return { orders: 0, terminations: 0 };
  }
}

function runSeed(args, env) {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(process.execPath, [path.join(ROOT, 'server/dist/main.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL, SEED_DEMO: '1', LOG_LEVEL: 'warn', NODE_ENV: '', ...env },
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

/** Appends terminations with the server's own seed function (compiled), e.g. to top up B3's supply. */
export async function seedTerminations(count) {
  const { seedTerminationVolume } = await import(path.join(ROOT, 'server/dist/seed/termination-volume.js'));
  const client = new pg.Client({ connectionString: DATABASE_URL });
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
 * the demo data first). Returns the seed record (timings), kept in results/seed.json.
 */
export async function ensureBenchDatabase() {
  const dbName = new URL(DATABASE_URL).pathname.slice(1);
  const exists = await withPg(
    async (c) => (await c.query('select 1 from pg_database where datname = $1', [dbName])).rowCount > 0,
    adminUrl(),
  );
  const before = exists ? await counts() : { orders: 0, terminations: 0 };
  const recordFile = path.join(BENCH_DIR, 'results/seed.json');
  if (before.orders >= ORDERS && before.terminations >= TERMINATIONS) {
    log(`benchmark database ${dbName}: ${before.orders} volume orders, ${before.terminations} volume terminations (reused)`);
    return fs.existsSync(recordFile) ? { ...JSON.parse(fs.readFileSync(recordFile, 'utf8')), reused: true } : { reused: true, ...before };
  }
  const started = performance.now();
  let output = '';
  if (before.orders < ORDERS) {
    const orders = ORDERS - before.orders;
    log(`benchmark database ${dbName}: seeding (seed-volume --orders ${orders}: demo data, orders, terminations)`);
    output = await runSeed(['seed-volume', '--orders', String(orders)]);
  }
  const mid = await counts();
  if (mid.terminations < TERMINATIONS) {
    log(`benchmark database ${dbName}: adding ${TERMINATIONS - mid.terminations} terminations`);
    await seedTerminations(TERMINATIONS - mid.terminations);
  }
  const after = await counts();
  const record = {
    date: new Date().toISOString(),
    seconds: round((performance.now() - started) / 1000, 1),
    orders: after.orders,
    terminations: after.terminations,
    ordersSeconds: Number(/seeded \d+ orders in ([\d.]+) s/.exec(output)?.[1] ?? NaN) || null,
    terminationsSeconds: Number(/seeded \d+ terminations in ([\d.]+) s/.exec(output)?.[1] ?? NaN) || null,
  };
  fs.mkdirSync(path.dirname(recordFile), { recursive: true });
  fs.writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  log(`benchmark database seeded in ${record.seconds} s`);
  return { ...record, reused: false };
}

/** Open volume orders that never had a termination; spread over customers and products. */
export async function freshOrders(limit) {
  return withPg(async (c) => {
    const { rows } = await c.query(
      `select o.number from sales_order o
        where o.number like 'SO-V-%' and o.status in ('CONFIRMED', 'IN_PRODUCTION')
          and not exists (select 1 from termination t where t.order_id = o.id)
        order by md5(o.number) limit $1`,
      [limit],
    );
    return rows.map((r) => r.number);
  });
}
