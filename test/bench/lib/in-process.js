// The compiled API started inside the benchmark's own process (startApp, as the test harness
// does), so that a benchmark can watch the statements it issues. Production mode, no worker, no
// rate limits: the same settings startApi gives the API as its own process.
import path from 'node:path';
import { BENCH_SECRETS_KEY, NO_LIMITS, SERVER_DIST } from './common.js';

/** Starts the API on `databaseUrl` on a free port; `options` go to startApp (e.g. onQuery). Close it with `app.close()`. */
export async function startInProcessApi(databaseUrl, options = {}) {
  await import('reflect-metadata');
  const { startApp } = await import(path.join(SERVER_DIST, 'app/app.js'));
  const { loadConfig } = await import(path.join(SERVER_DIST, 'app/config.js'));
  const { createLogger } = await import(path.join(SERVER_DIST, 'kernel/logger.js'));
  const config = loadConfig({
    NODE_ENV: 'production',
    DEV_MAILBOX: '1',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    SEED_DEMO: '0',
    RUN_WORKER: '0',
    SECRETS_KEY: BENCH_SECRETS_KEY,
    ...NO_LIMITS,
  });
  const app = await startApp(config, { logger: createLogger('warn'), ...options });
  return { app, url: `http://127.0.0.1:${app.http.port}` };
}
