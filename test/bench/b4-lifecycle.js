// B4 — lifecycle throughput: concurrent partners each running submit → all approvals → customer
// acceptance on distinct orders for a fixed time, against one API instance (job worker on, as
// deployed by default). Then invariants are checked with SQL over the whole database.
import { clearInterval, setInterval } from 'node:timers';
import { log, round, rssMiB, startApi, withPg } from './lib/common.js';
import { freshOrders } from './lib/database.js';
import { lifecycleTokens, runLifecycleClients } from './lib/lifecycles.js';

/** Each a count of rows that break a rule; all must be 0. */
export const INVARIANTS = {
  'stock_level.reserved ≠ sum of ACTIVE reservations': `
    select count(*) from stock_level s
     where s.reserved <> (select coalesce(sum(r.quantity), 0) from reservation r
                           where r.warehouse_id = s.warehouse_id and r.product_id = s.product_id and r.status = 'ACTIVE')`,
  'negative stock reserved or on hand': `select count(*) from stock_level where reserved < 0 or on_hand < 0`,
  'orders with two running terminations': `
    select count(*) from (select order_id from termination where status in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER')
                          group by order_id having count(*) > 1) x`,
  'EFFECTIVE/CLOSED terminations without exactly one settlement': `
    select count(*) from termination t where t.status in ('EFFECTIVE', 'CLOSED')
       and (select count(*) from settlement s where s.termination_id = t.id) <> 1`,
  'settlements of terminations that never took effect': `
    select count(*) from settlement s join termination t on t.id = s.termination_id where t.status not in ('EFFECTIVE', 'CLOSED')`,
  'running terminations whose order is not TERMINATION_PENDING': `
    select count(*) from termination t join sales_order o on o.id = t.order_id
     where t.status in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER') and o.status <> 'TERMINATION_PENDING'`,
  'TERMINATION_PENDING orders without a running termination': `
    select count(*) from sales_order o where o.status = 'TERMINATION_PENDING'
       and not exists (select 1 from termination t where t.order_id = o.id and t.status in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER'))`,
  'order lines terminated beyond their open quantity': `
    select count(*) from sales_order_line where terminated_quantity < 0 or terminated_quantity + shipped_quantity > quantity`,
  'purchase order lines cancelled beyond their open quantity': `
    select count(*) from purchase_order_line where cancelled_quantity < 0 or cancelled_quantity + received_quantity > quantity`,
  'EFFECTIVE terminations without an accepted confirmation although one was required': `
    select count(*) from termination t where t.status in ('EFFECTIVE', 'CLOSED') and t.customer_confirmation_required
       and not exists (select 1 from customer_confirmation c where c.termination_id = t.id and c.status = 'ACCEPTED')`,
};

export async function checkInvariants() {
  return withPg(async (c) => {
    const result = {};
    for (const [name, sql] of Object.entries(INVARIANTS)) result[name] = Number((await c.query(sql)).rows[0].count);
    return result;
  });
}

export async function runB4({ clients, durationSec }) {
  const before = await checkInvariants();
  const broken = Object.entries(before).filter(([, n]) => n > 0);
  if (broken.length) log(`B4: invariants already broken before the run: ${JSON.stringify(Object.fromEntries(broken))}`);
  const orders = await freshOrders(clients * durationSec * 3 + 200);
  log(`B4: ${orders.length} fresh orders available; starting the API (RUN_WORKER=1)`);
  const api = await startApi('api-b4', { RUN_WORKER: '1' });
  try {
    const tokens = await lifecycleTokens(api.url);
    const rssBefore = rssMiB(api.pid);
    const rssSamples = [];
    const sampler = setInterval(() => rssSamples.push(rssMiB(api.pid)), 5000);
    log(`B4: ${clients} clients × ${durationSec} s of submit → approvals → customer accept`);
    const res = await runLifecycleClients(api.url, tokens, { orders, clients, durationSec });
    clearInterval(sampler);
    const rssAfter = rssMiB(api.pid);
    const after = await checkInvariants();
    const violations = Object.values(after).reduce((a, b) => a + b, 0);
    log(
      `B4: ${res.completed} lifecycles in ${round(res.elapsedSec, 1)} s = ${round(res.lifecyclesPerSec, 2)}/s, ${res.errorCount} errors, ${violations} invariant violations; RSS ${rssBefore} → ${rssAfter} MiB`,
    );
    for (const e of res.errors.slice(0, 5)) log(`  error: ${e}`);
    const pm = res.perMutation;
    return {
      name: 'B4 lifecycle throughput',
      config: { clients, durationSec, runWorker: true },
      ...res,
      rssMiB: { before: rssBefore, after: rssAfter, samples: rssSamples },
      invariantsBefore: before,
      invariantsAfter: after,
      rows: [
        {
          bench: 'B4',
          metric: `lifecycles/s (${clients} clients, ${durationSec} s, submit → ${round(pm.decideApproval.count / Math.max(1, res.completed), 1)} approvals → accept)`,
          ours: `${round(res.lifecyclesPerSec, 2)}`,
          peer: '—',
          ratio: '—',
          target: '(reported)',
          met: null,
        },
        {
          bench: 'B4',
          metric: 'p99 ms per mutation: submit / decideApproval / respondToTermination',
          ours: `${pm.submitTermination.p99} / ${pm.decideApproval.p99} / ${pm.respondToTermination.p99}`,
          peer: '—',
          ratio: '—',
          target: '(reported)',
          met: null,
        },
        {
          bench: 'B4',
          metric: 'errors / invariant violations after the run',
          ours: `${res.errorCount} / ${violations}`,
          peer: '—',
          ratio: '—',
          target: '0 / 0',
          met: res.errorCount === 0 && violations === 0,
        },
        {
          bench: 'B4',
          metric: 'API RSS MiB before → after',
          ours: `${rssBefore} → ${rssAfter}`,
          peer: '—',
          ratio: '—',
          target: '(reported)',
          met: null,
        },
      ],
    };
  } finally {
    await api.stop();
  }
}
