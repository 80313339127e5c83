// B6 load process: sends batches `from` … `from + batches - 1` of sync-records.js one after the
// other, either as `syncRecords` calls to our API with an ERP_SYNC key (mode "api") or as bare
// INSERT … ON CONFLICT statements on the same database, one transaction per batch (mode "limit").
// argv[2]: JSON { mode, url, token, source, prefix, from, batches, databaseUrl }. Prints one JSON
// line: { orders, records, seconds, batchMs, rejected }.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { batchRecords, ORDERS_PER_BATCH } from './sync-records.js';

const config = JSON.parse(process.argv[2]);

const SYNC = `mutation($input: SyncRecordsInput!) { syncRecords(input: $input) {
  __typename ... on ErrorResult { code message }
  ... on SyncRecordsSuccess { applied created updated unchanged rejected rows { outcome errors { path code message } } } } }`;

async function sendApi(input) {
  const res = await fetch(`${config.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${config.token}` },
    body: JSON.stringify({ query: SYNC, variables: { input: { source: config.source, ...input } } }),
  });
  const body = await res.json();
  const result = body.data?.syncRecords;
  if (!result || result.__typename !== 'SyncRecordsSuccess' || !result.applied) {
    const errors = result?.rows?.filter((r) => r.errors.length).slice(0, 3);
    throw new Error(`syncRecords failed: ${JSON.stringify(body.errors ?? errors ?? result).slice(0, 2000)}`);
  }
  return result.rejected;
}

/** Master rows of the source, looked up once: the limit writes only the batch's own rows. */
async function masterIds(client) {
  const one = async (table, externalId) =>
    (await client.query(`select id from ${table} where source = $1 and external_id = $2`, [config.source, externalId])).rows[0].id;
  return {
    customer: await one('customer', 'cust'),
    contract: await one('contract', 'ctr'),
    supplier: await one('supplier', 'sup'),
    warehouse: await one('warehouse', 'wh'),
    product: { 'prod-1': await one('product', 'prod-1'), 'prod-2': await one('product', 'prod-2') },
  };
}

/**
 * One `insert … select from unnest(…) on conflict (source, external_id) do update` of synced rows:
 * each gets a new id, the source and its external id, then `columns` (name: SQL type) with the
 * values `valuesOf(record)`; `updated` are the columns a conflict overwrites. Returns ids by external id.
 */
async function upsert(client, table, columns, records, valuesOf, updated) {
  const all = Object.entries({ id: 'uuid', source: 'text', external_id: 'text', ...columns });
  const rows = records.map((r) => [randomUUID(), config.source, r.externalId, ...valuesOf(r)]);
  const params = all.map((_, c) => rows.map((r) => r[c]));
  const { rows: out } = await client.query(
    `insert into ${table} (${all.map(([name]) => name).join(', ')})
     select * from unnest(${all.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
     on conflict (source, external_id) do update set ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = now()
     returning id, external_id`,
    params,
  );
  return new Map(out.map((r) => [r.external_id, r.id]));
}

async function sendLimit(client, master, input) {
  await client.query('begin');
  try {
    const orders = await upsert(
      client,
      'sales_order',
      {
        source_version: 'bigint',
        number: 'text',
        customer_id: 'uuid',
        contract_id: 'uuid',
        status: 'text',
        stage: 'text',
        currency: 'text',
        total_amount: 'numeric',
        order_date: 'date',
      },
      input.salesOrders,
      (o) => [
        o.sourceVersion,
        o.number,
        master.customer,
        master.contract,
        o.status,
        o.stage,
        o.currency,
        o.lines.reduce((sum, l) => sum + l.quantity * Number(l.unitPrice), 0).toFixed(2),
        o.orderDate,
      ],
      ['source_version', 'number', 'status', 'stage', 'currency', 'total_amount', 'order_date'],
    );
    const lines = await upsert(
      client,
      'sales_order_line',
      { order_id: 'uuid', line_no: 'int', product_id: 'uuid', quantity: 'int', unit_price: 'numeric' },
      input.salesOrders.flatMap((o) => o.lines.map((l) => ({ ...l, orderExternalId: o.externalId }))),
      (l) => [orders.get(l.orderExternalId), l.lineNo, master.product[l.productExternalId], l.quantity, l.unitPrice],
      ['line_no', 'product_id', 'quantity', 'unit_price'],
    );
    const pos = await upsert(
      client,
      'purchase_order',
      { source_version: 'bigint', number: 'text', supplier_id: 'uuid', status: 'text', currency: 'text', order_date: 'date' },
      input.purchaseOrders,
      (p) => [p.sourceVersion, p.number, master.supplier, p.status, p.currency, p.orderDate],
      ['source_version', 'number', 'supplier_id', 'status', 'currency', 'order_date'],
    );
    await upsert(
      client,
      'purchase_order_line',
      { purchase_order_id: 'uuid', product_id: 'uuid', sales_order_line_id: 'uuid', quantity: 'int', unit_cost: 'numeric' },
      input.purchaseOrders.flatMap((p) => p.lines.map((l) => ({ ...l, purchaseOrderExternalId: p.externalId }))),
      (l) => [
        pos.get(l.purchaseOrderExternalId),
        master.product[l.productExternalId],
        lines.get(l.salesOrderLineExternalId),
        l.quantity,
        l.unitPrice,
      ],
      ['product_id', 'sales_order_line_id', 'quantity', 'unit_cost'],
    );
    await upsert(
      client,
      'reservation',
      { source_version: 'bigint', sales_order_line_id: 'uuid', warehouse_id: 'uuid', product_id: 'uuid', quantity: 'int', status: 'text' },
      input.reservations,
      (r) => [r.sourceVersion, lines.get(r.salesOrderLineExternalId), master.warehouse, master.product['prod-2'], r.quantity, 'ACTIVE'],
      ['source_version', 'sales_order_line_id', 'warehouse_id', 'product_id', 'quantity', 'status'],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  return 0;
}

const client = config.mode === 'limit' ? new pg.Client({ connectionString: config.databaseUrl }) : null;
await client?.connect();
const master = client ? await masterIds(client) : null;
// Built before the clock starts: both contenders measure writing, not generating records.
const inputs = Array.from({ length: config.batches }, (_, i) => batchRecords(config.prefix, config.from + i));
const batchMs = [];
let rejected = 0;
const t0 = performance.now();
for (const input of inputs) {
  const b0 = performance.now();
  rejected += config.mode === 'limit' ? await sendLimit(client, master, input) : await sendApi(input);
  batchMs.push(performance.now() - b0);
}
const seconds = (performance.now() - t0) / 1000;
await client?.end();
const records = inputs.reduce((n, i) => n + i.salesOrders.length + i.purchaseOrders.length + i.reservations.length, 0);
process.stdout.write(`${JSON.stringify({ orders: config.batches * ORDERS_PER_BATCH, records, seconds, batchMs, rejected })}\n`);
