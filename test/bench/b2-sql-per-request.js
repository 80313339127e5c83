// B2 — SQL statements per request: B1's query at first 10, 50 and 100, counted from the driver.
// The compiled API runs in this process with startApp(config, { onQuery }) (as the test harness
// does); each query is sent over HTTP with the API key and the statements issued meanwhile counted.
import { OUR_QUERY, createApiKey } from './b1-partner-list.js';
import { DATABASE_URL, log } from './lib/common.js';
import { startInProcessApi } from './lib/in-process.js';

const STATEMENT = /\b(select|insert|update|delete|with)\b/i;
// MikroORM colours its query log; the escape codes glue "[39m" to the keyword and defeat \b.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** "[query] select … [took 3 ms, 50 results]" → "select …" (parameters inlined by MikroORM). */
function shorten(message) {
  return String(message)
    .replace(/^\[query\]\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export async function runB2() {
  let recording = null;
  const { app, url } = await startInProcessApi(DATABASE_URL, {
    onQuery: (message) => {
      const text = String(message).replace(ANSI, '');
      if (recording && STATEMENT.test(text)) recording.push(shorten(text));
    },
  });
  try {
    const apiKey = await createApiKey(url);
    const send = async (first) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query: OUR_QUERY, variables: { first } }),
      });
      const body = await res.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data.terminations.edges.length;
    };
    const measure = async (first) => {
      recording = [];
      const nodes = await send(first);
      const statements = recording;
      recording = null;
      return { first, nodes, count: statements.length, statements };
    };
    // The first use of a key also stamps its lastUsedAt (at most once a minute): warm up first.
    await send(10);
    const runs = [];
    for (const first of [10, 50, 100]) runs.push(await measure(first));
    const counts = runs.map((r) => r.count);
    const same = counts.every((c) => c === counts[0]);
    const met = same && Math.max(...counts) <= 3;
    log(`B2: statements per request at first 10/50/100: ${counts.join(' / ')}`);
    for (const s of runs[1].statements) log(`  ${process.env.BENCH_FULL_SQL ? s : s.slice(0, 220)}`);
    return {
      name: 'B2 SQL statements per request',
      runs,
      note: 'Counted from MikroORM’s query log (driver level) after a warm-up request; an API key’s lastUsedAt update adds one statement at most once a minute.',
      rows: [
        {
          bench: 'B2',
          metric: 'SQL statements per B1 request at first 10 / 50 / 100',
          ours: counts.join(' / '),
          peer: '—',
          ratio: same ? 'constant' : 'varies',
          target: '≤ 3 and equal',
          met,
        },
      ],
    };
  } finally {
    await app.close();
  }
}
