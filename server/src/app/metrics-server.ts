import http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { Gauge } from 'prom-client';
import { collectProcessMetrics, registry } from '../kernel/metrics.js';
import type { Logger } from '../kernel/logger.js';

/** One connection pool's state at scrape time. */
export interface PoolState {
  pool: string;
  used: number;
  idle: number;
  pending: number;
}

/** What a process offers to be read at scrape time (the API and the worker each add theirs). */
export interface ScrapeSource {
  /** Runs one read-only statement (the job queue query) on the process's own pool. */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Task names the process knows: each gets a series, 0 when it has no jobs. */
  tasks: readonly string[];
  pools(): PoolState[];
}

const sources = new Set<ScrapeSource>();

/**
 * Jobs ready to run (due, not locked, attempts left) and the age of the oldest, per task. Read
 * from graphile-worker's tables on scrape; several scrapers within `QUEUE_CACHE_MS` share one
 * read, so the query (grouped over the partial index on available jobs) runs at most every 5 s.
 */
const QUEUE_CACHE_MS = 5_000;
const QUEUE_SQL = `select t.identifier as task, count(*)::int as depth,
       coalesce(extract(epoch from now() - min(j.run_at)), 0)::float8 as oldest
  from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
 where j.is_available and j.run_at <= now()
 group by t.identifier`;
let queueRead: { at: number; rows: Promise<Map<string, { depth: number; oldest: number }>> } | null = null;

function readQueue(source: ScrapeSource): Promise<Map<string, { depth: number; oldest: number }>> {
  if (queueRead && Date.now() - queueRead.at < QUEUE_CACHE_MS) return queueRead.rows;
  const rows = source
    .query(QUEUE_SQL)
    .then((list) => new Map(list.map((r) => [String(r.task), { depth: Number(r.depth), oldest: Number(r.oldest) }])));
  queueRead = { at: Date.now(), rows };
  // A failed read is not cached: the next scrape tries again.
  rows.catch(() => (queueRead = null));
  return rows;
}

async function collectQueue(gauge: Gauge<'task'>, pick: (row: { depth: number; oldest: number }) => number): Promise<void> {
  gauge.reset();
  const [source] = sources;
  if (!source) return;
  let rows: Map<string, { depth: number; oldest: number }>;
  try {
    rows = await readQueue(source);
  } catch {
    return; // database unreachable: no queue series this scrape, the others still answer
  }
  const tasks = new Set([...source.tasks, ...rows.keys()]);
  for (const task of tasks) {
    const row = rows.get(task);
    gauge.set({ task }, row ? pick(row) : 0);
  }
}

new Gauge({
  name: 'ot_job_queue_depth',
  help: 'Jobs due and waiting for a worker, per task (graphile-worker)',
  labelNames: ['task'] as const,
  registers: [registry],
  async collect() {
    await collectQueue(this, (r) => r.depth);
  },
});

new Gauge({
  name: 'ot_job_oldest_age_seconds',
  help: 'How long the oldest due job of each task has waited (0 when none)',
  labelNames: ['task'] as const,
  registers: [registry],
  async collect() {
    await collectQueue(this, (r) => r.oldest);
  },
});

new Gauge({
  name: 'ot_db_pool_connections',
  help: 'Database connections by pool (orm, jobs) and state (used, idle, pending acquires)',
  labelNames: ['pool', 'state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const source of sources)
      for (const { pool, used, idle, pending } of source.pools()) {
        this.set({ pool, state: 'used' }, used);
        this.set({ pool, state: 'idle' }, idle);
        this.set({ pool, state: 'pending' }, pending);
      }
  },
});

/** The ORM's pool (knex → tarn), the job worker's pg pool when this process runs one, and SQL on the ORM's. */
export function ormScrapeSource(orm: MikroORM, tasks: readonly string[], jobPool?: () => pg.Pool | undefined): ScrapeSource {
  return {
    tasks,
    query: (sql) => orm.em.getConnection().execute(sql, [], 'all'),
    pools: () => {
      const tarn = orm.em.getKnex().client.pool as { numUsed(): number; numFree(): number; numPendingAcquires(): number } | undefined;
      const states: PoolState[] = tarn
        ? [{ pool: 'orm', used: tarn.numUsed(), idle: tarn.numFree(), pending: tarn.numPendingAcquires() }]
        : [];
      const jobs = jobPool?.();
      if (jobs) states.push({ pool: 'jobs', used: jobs.totalCount - jobs.idleCount, idle: jobs.idleCount, pending: jobs.waitingCount });
      return states;
    },
  };
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Prometheus text at /metrics on a port of its own (METRICS_PORT), away from the public API:
 * operators expose it to the scraper only. `source` is read at scrape time until close.
 */
export async function startMetricsServer(port: number, host: string, source: ScrapeSource, logger: Logger): Promise<MetricsServer> {
  collectProcessMetrics();
  sources.add(source);
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        logger.warn({ err }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  logger.info({ port: bound }, 'metrics at /metrics');
  return {
    port: bound,
    close: async () => {
      sources.delete(source);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
