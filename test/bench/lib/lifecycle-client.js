// B4 load process: `clients` concurrent partners, each running whole lifecycles on distinct orders
// for `durationSec`: submit (clerk) → every approval, stage by stage (each department's head) →
// the customer's acceptance through the e-mailed link (token read from the dev mailbox table).
// argv[2]: JSON { url, tokens: { email: token }, heads: { department: email }, clerk, orders, clients,
// durationSec, databaseUrl, samples }. Prints one JSON line: counts, latencies per mutation (with every
// latency in ms when `samples`), errors.
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const config = JSON.parse(process.argv[2]);
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });

const STEPS = 'approvalSteps { id stage department status }';
const SUBMIT = `mutation Submit($input: SubmitTerminationInput!) { submitTermination(input: $input) {
  __typename ... on SubmitTerminationSuccess { termination { id number status ${STEPS} } } ... on ErrorResult { code message } } }`;
const DECIDE = `mutation Decide($input: DecideApprovalInput!) { decideApproval(input: $input) {
  __typename ... on DecideApprovalSuccess { termination { status ${STEPS} } } ... on ErrorResult { code message } } }`;
const RESPOND = `mutation Respond($input: RespondToTerminationInput!) { respondToTermination(input: $input) {
  __typename ... on RespondToTerminationSuccess { status accepted } ... on ErrorResult { code message } } }`;

const latencies = { submitTermination: [], decideApproval: [], respondToTermination: [] };
const errors = [];
let errorCount = 0;
let completed = 0;
let started = 0;
const finishedAt = [];

class LifecycleError extends Error {}

async function call(operation, query, variables, token) {
  const t0 = performance.now();
  let body;
  try {
    const res = await fetch(`${config.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    body = await res.json();
  } finally {
    latencies[operation].push(performance.now() - t0);
  }
  const result = body?.data?.[operation];
  if (body?.errors || !result || !result.__typename.endsWith('Success')) {
    throw new LifecycleError(`${operation}: ${JSON.stringify(body?.errors ?? result).slice(0, 300)}`);
  }
  return result;
}

async function confirmationToken(terminationId) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { rows } = await pool.query('select text from mail_message where termination_id = $1 order by created_at desc limit 1', [
      terminationId,
    ]);
    const token = rows[0]?.text.match(/\/confirm\/([A-Za-z0-9_-]{43})/)?.[1];
    if (token) return token;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new LifecycleError(`no confirmation mail for termination ${terminationId}`);
}

async function lifecycle(orderNumber) {
  const submitted = await call(
    'submitTermination',
    SUBMIT,
    {
      input: {
        orderNumber,
        reasonCode: 'CUSTOMER_CANCELLATION',
        explanation: 'Benchmark lifecycle (B4)',
        customerConfirmationRequired: true,
      },
    },
    config.tokens[config.clerk],
  );
  let termination = submitted.termination;
  for (let guard = 0; termination.status === 'PENDING_APPROVAL'; guard++) {
    if (guard > 10) throw new LifecycleError(`approvals did not finish for ${termination.number}`);
    const pending = termination.approvalSteps.filter((s) => s.status === 'PENDING');
    if (!pending.length) throw new LifecycleError(`${termination.number} is PENDING_APPROVAL without a pending step`);
    for (const step of pending) {
      const head = config.heads[step.department];
      const decided = await call(
        'decideApproval',
        DECIDE,
        { input: { stepId: step.id, decision: 'APPROVE', comment: 'ok' } },
        config.tokens[head],
      );
      termination = { ...termination, ...decided.termination };
    }
  }
  if (termination.status !== 'AWAITING_CUSTOMER')
    throw new LifecycleError(`${termination.number}: expected AWAITING_CUSTOMER, got ${termination.status}`);
  const token = await confirmationToken(termination.id);
  const answer = await call('respondToTermination', RESPOND, { input: { token, accept: true, preferredResolution: 'REFUND' } });
  if (answer.status !== 'EFFECTIVE') throw new LifecycleError(`${termination.number}: after acceptance ${answer.status}`);
}

const t0 = performance.now();
const deadline = t0 + config.durationSec * 1000;
const queue = [...config.orders];

async function worker() {
  while (performance.now() < deadline) {
    const order = queue.shift();
    if (!order) throw new Error('ran out of orders');
    started += 1;
    try {
      await lifecycle(order);
      completed += 1;
      finishedAt.push(performance.now() - t0);
    } catch (error) {
      errorCount += 1;
      if (errors.length < 20) errors.push(`${order}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

await Promise.all(Array.from({ length: config.clients }, worker));
const elapsed = (performance.now() - t0) / 1000;
await pool.end();
const pct = (values, p) => {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 100) / 100;
};
const perMutation = Object.fromEntries(
  Object.entries(latencies).map(([k, v]) => [
    k,
    {
      count: v.length,
      p50: pct(v, 50),
      p99: pct(v, 99),
      max: pct(v, 100),
      ...(config.samples ? { samples: v.map((x) => Math.round(x)) } : {}),
    },
  ]),
);
process.stdout.write(
  `${JSON.stringify({ started, completed, errorCount, errors, elapsedSec: elapsed, lifecyclesPerSec: completed / elapsed, perMutation })}\n`,
);
