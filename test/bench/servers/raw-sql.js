// The raw limit for B1: a bare node:http server running one hand-written SQL statement that
// builds the whole response JSON in PostgreSQL (json_agg and nested subqueries). No GraphQL, no
// auth. POST /graphql with {"variables": {"first": N}} (default 50); the status filter is fixed.
// Env: DATABASE_URL, PORT.
import http from 'node:http';
import pg from 'pg';

export const RAW_SQL = `
select json_build_object('data', json_build_object('terminations', json_build_object('edges',
         coalesce(json_agg(json_build_object('node', x.node) order by x.created_at desc, x.id desc), '[]'::json))))::text as body
  from (
    select t.created_at, t.id, json_build_object(
             'number', t.number,
             'status', t.status,
             'reason', json_build_object('code', r.code),
             'order', json_build_object(
               'number', o.number,
               'customer', json_build_object('name', c.name),
               'lines', (select coalesce(json_agg(json_build_object('product', json_build_object('sku', p.sku), 'quantity', l.quantity)
                                                  order by l.line_no), '[]'::json)
                           from sales_order_line l join product p on p.id = l.product_id
                          where l.order_id = o.id)),
             'approvalSteps', (select coalesce(json_agg(json_build_object(
                                        'department', s.department,
                                        'status', s.status,
                                        'dueAt', to_char(s.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                                      order by s.stage, s.department), '[]'::json)
                                 from approval_step s where s.termination_id = t.id),
             'impact', json_build_object('refundDue', t.impact->>'refundDue', 'cancellationFee', t.impact->>'cancellationFee')
           ) as node
      from termination t
      join termination_reason r on r.id = t.reason_id
      join sales_order o on o.id = t.order_id
      join customer c on c.id = o.customer_id
     where t.status = any($1::text[])
     order by t.created_at desc, t.id desc
     limit $2
  ) x`;

if (process.env.PORT) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        let first = 50;
        if (chunks.length) {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (Number.isInteger(body?.variables?.first)) first = body.variables.first;
        }
        const { rows } = await pool.query({ name: 'b1', text: RAW_SQL, values: [['PENDING_APPROVAL'], first] });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(rows[0].body);
      } catch (error) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
  const stop = async () => {
    server.close();
    await pool.end();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
