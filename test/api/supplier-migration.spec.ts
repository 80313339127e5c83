import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { initOrm } from '../../server/src/app/orm.js';
import { adminQuery, withDatabase } from '../harness/database.js';

/*
 * Purchase orders named their supplier by code and name; the Suppliers migration turns each
 * code into a supplier record and links every PO to it, on a database that already has POs.
 */

const BEFORE = 'Migration20261130140000_ExchangeRates';
const name = `ot_supmig_${randomBytes(6).toString('hex')}`;
let orm: MikroORM;

beforeAll(async () => {
  await adminQuery(inject('adminDatabaseUrl'), `create database ${name}`);
  orm = await initOrm({ url: withDatabase(inject('adminDatabaseUrl'), name) });
  await orm.getMigrator().up({ to: BEFORE });
});
afterAll(async () => {
  await orm?.close(true);
  await adminQuery(inject('adminDatabaseUrl'), `drop database if exists ${name} with (force)`);
});

const sql = <T>(text: string) => orm.em.getConnection().execute<T[]>(text);

describe('the Suppliers migration on existing purchase orders', () => {
  it('creates one supplier per code (named as its latest PO spells it), links every PO, and goes back down', async () => {
    await sql(`insert into purchase_order (id, created_at, number, supplier_code, supplier_name, status, currency, order_date) values
      (gen_random_uuid(), now() - interval '2 days', 'PO-OLD', 'S1', '旧名称有限公司', 'SENT', 'CNY', '2026-01-01'),
      (gen_random_uuid(), now() - interval '1 day', 'PO-NEW', 'S1', '新名称有限公司', 'CONFIRMED', 'CNY', '2026-01-02'),
      (gen_random_uuid(), now(), 'PO-OTHER', 'S2', 'Other Co.', 'SENT', 'USD', '2026-01-03')`);
    await orm.getMigrator().up();

    const suppliers = await sql<{ code: string; name: string; email: string | null; active: boolean; source: string | null }>(
      `select code, name, email, active, source from supplier order by code`,
    );
    expect(suppliers).toEqual([
      { code: 'S1', name: '新名称有限公司', email: null, active: true, source: null },
      { code: 'S2', name: 'Other Co.', email: null, active: true, source: null },
    ]);
    const linked = await sql<{ number: string; code: string }>(
      `select po.number, s.code from purchase_order po join supplier s on s.id = po.supplier_id order by po.number`,
    );
    expect(linked).toEqual([
      { number: 'PO-NEW', code: 'S1' },
      { number: 'PO-OLD', code: 'S1' },
      { number: 'PO-OTHER', code: 'S2' },
    ]);
    const columns = await sql<{ column_name: string }>(
      `select column_name from information_schema.columns where table_name = 'purchase_order' and column_name like 'supplier%' order by 1`,
    );
    expect(columns.map((c) => c.column_name)).toEqual(['supplier_id']);
    // A synchronised supplier is unique per source system and id there.
    await sql(`update supplier set source = 'ERP', external_id = 'V-1' where code = 'S1'`);
    await expect(sql(`update supplier set source = 'ERP', external_id = 'V-1' where code = 'S2'`)).rejects.toThrow(/unique/i);

    await orm.getMigrator().down({ to: BEFORE });
    const restored = await sql<{ number: string; supplier_code: string; supplier_name: string }>(
      `select number, supplier_code, supplier_name from purchase_order order by number`,
    );
    expect(restored.map((r) => [r.number, r.supplier_code])).toEqual([
      ['PO-NEW', 'S1'],
      ['PO-OLD', 'S1'],
      ['PO-OTHER', 'S2'],
    ]);
    expect(restored[2]!.supplier_name).toBe('Other Co.');
  });
});
