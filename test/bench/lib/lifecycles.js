// The lifecycle load shared by B4 and B7: lib/lifecycle-client.js children submitting and approving terminations.
import path from 'node:path';
import { BENCH_DIR, DATABASE_URL, login, runJsonChild } from './common.js';

/** The demo users the lifecycle clients act as: the clerk submits, each department's head approves. */
const CLERK = 'clerk@example.com';
const HEADS = {
  SALES: 'sales.head@example.com',
  PURCHASING: 'purchasing.head@example.com',
  WAREHOUSE: 'warehouse.head@example.com',
  FINANCE: 'finance.head@example.com',
  MANAGEMENT: 'gm@example.com',
};

/** Signs in the clerk and every head at the API at `url`: their tokens by e-mail. */
export async function lifecycleTokens(url) {
  const tokens = {};
  for (const email of [CLERK, ...Object.values(HEADS)]) tokens[email] = await login(url, email);
  return tokens;
}

/**
 * Runs `clients` lifecycle clients for `durationSec` on `orders` against the API at `url`; their JSON
 * result. `databaseUrl` is the API's database (the confirmation mail is read there); `samples` also
 * returns every latency, so rounds can be pooled into one percentile.
 */
export function runLifecycleClients(url, tokens, { orders, clients, durationSec, databaseUrl = DATABASE_URL, samples = false }) {
  return runJsonChild(
    'lifecycle clients',
    path.join(BENCH_DIR, 'lib/lifecycle-client.js'),
    { url, tokens, heads: HEADS, clerk: CLERK, orders, clients, durationSec, databaseUrl, samples },
    { timeoutMs: (durationSec + 120) * 1000 },
  );
}
