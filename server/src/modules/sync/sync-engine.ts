import { createHash } from 'node:crypto';
import { ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnySyncedEntity as SyncedEntity } from '../../common/synced.entity.js';
import { Warehouse } from '../inventory/warehouse.entity.js';
import { Contract } from '../order/contract.entity.js';
import { Customer } from '../order/customer.entity.js';
import { Product } from '../order/product.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import { Invoice } from '../finance/invoice.entity.js';
import { contractSync } from './kinds/contract.sync.js';
import { customerSync } from './kinds/customer.sync.js';
import { productSync } from './kinds/product.sync.js';
import { purchaseOrderSync } from './kinds/purchase-order.sync.js';
import { reservationSync } from './kinds/reservation.sync.js';
import { salesOrderSync } from './kinds/sales-order.sync.js';
import { stockLevelSync } from './kinds/stock-level.sync.js';
import { supplierSync } from './kinds/supplier.sync.js';
import { warehouseSync } from './kinds/warehouse.sync.js';
import { exchangeRateSync } from './kinds/exchange-rate.sync.js';
import { invoiceSync } from './kinds/invoice.sync.js';
import { paymentSync } from './kinds/payment.sync.js';
import { shipmentSync } from './kinds/shipment.sync.js';
import { Supplier } from '../purchasing/supplier.entity.js';
import {
  isSqlKind,
  type AnySyncKind,
  type RefKind,
  type RefRequest,
  type Refs,
  type ResolvedRow,
  type StoredRow,
  type WriteRow,
} from './sync-kind.js';
import { placeholders } from './sql-write.js';
import { SyncOutcome, type SyncRecordInput, type SyncRecordKind } from './sync-record.js';
import { RowChecker, type RowError } from './sync-validation.js';

/** Every kind, in dependency order: a record may reference only kinds before it. */
export const SYNC_KINDS: readonly AnySyncKind[] = [
  customerSync,
  supplierSync,
  productSync,
  warehouseSync,
  contractSync,
  salesOrderSync,
  purchaseOrderSync,
  stockLevelSync,
  reservationSync,
  shipmentSync,
  invoiceSync,
  paymentSync,
  exchangeRateSync,
] as unknown as AnySyncKind[];

/** The tables that references by external id point into. */
export const REF_ENTITIES: Record<RefKind, new (...args: never[]) => SyncedEntity> = {
  customer: Customer,
  supplier: Supplier,
  product: Product,
  warehouse: Warehouse,
  contract: Contract,
  salesOrder: SalesOrder,
  salesOrderLine: SalesOrderLine,
  invoice: Invoice,
};

export interface RowOutcome {
  kind: SyncRecordKind;
  index: number;
  externalId: string;
  outcome: SyncOutcome;
  errors: RowError[];
}

/** Canonical JSON of a record without its version: same content, same hash, whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'sourceVersion' && v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(row: SyncRecordInput): string {
  return createHash('sha256').update(canonical(row)).digest('hex');
}

interface RowState {
  row: SyncRecordInput;
  index: number;
  externalId: string;
  errors: RowError[];
}

/** Marks every row whose `key` value is shared with another row of the list. */
function markDuplicates(
  states: RowState[],
  key: (s: RowState) => string[] | string | null | undefined,
  path: (s: RowState, value: string) => string,
  what: string,
) {
  const count = new Map<string, number>();
  for (const s of states) for (const v of new Set([key(s) ?? []].flat())) count.set(v, (count.get(v) ?? 0) + 1);
  for (const s of states) {
    for (const v of new Set([key(s) ?? []].flat())) {
      if ((count.get(v) ?? 0) > 1)
        s.errors.push({ path: path(s, v), code: 'DUPLICATE_IN_CALL', message: `${what} ${v} appears more than once in this call.` });
    }
  }
}

/** A stored or written row: an entity for entity kinds, a plain row for SQL kinds. */
type Row = SyncedEntity | StoredRow;

const isEntity = (row: Row, kind: RefKind): row is SyncedEntity => row instanceof REF_ENTITIES[kind];

/**
 * Rows that references point at, as plain rows (`{ id, externalId, <relation>: { id } }` for
 * every many-to-one column of the table): one statement per referenced kind, no entities. What
 * SQL kinds resolve their references to.
 */
async function loadRefRows(em: EntityManager, source: string, kind: RefKind, externalIds: string[]): Promise<StoredRow[]> {
  const meta = em.getMetadata().get(REF_ENTITIES[kind].name);
  const relations = Object.values(meta.properties).filter((p) => p.kind === ReferenceKind.MANY_TO_ONE);
  const found = await em.execute<Record<string, string | null>[]>(
    `select id, external_id${relations.map((p) => `, "${p.fieldNames[0]}"`).join('')}
       from "${meta.tableName}" where source = ? and external_id in (${placeholders(externalIds.length)})`,
    [source, ...externalIds],
  );
  return found.map((r) => {
    const row: Record<string, unknown> = { id: r.id, externalId: r.external_id, sourceVersion: null, contentHash: null };
    for (const p of relations) row[p.name] = r[p.fieldNames[0]] ? { id: r[p.fieldNames[0]] } : null;
    return row as unknown as StoredRow;
  });
}

/**
 * Applies the records of one call through `em` (the caller owns the transaction): checks each
 * row, resolves references to rows of this call (earlier kinds) or stored rows of the source,
 * and writes only rows without errors. Returns one outcome per record.
 *
 * Entity kinds write through MikroORM (flushed by the caller, or before the next SQL kind so that
 * its rows may point at theirs); SQL kinds write their rows at once when they are checked. A row
 * a SQL kind wrote is offered to later entity kinds as a stored row (loaded as an entity then).
 */
export async function runSync(em: EntityManager, source: string, input: Record<string, unknown>): Promise<RowOutcome[]> {
  /** Rows of this call by reference kind and external id; null when the row was rejected. */
  const inCall = new Map<RefKind, Map<string, Row | null>>(Object.keys(REF_ENTITIES).map((k) => [k as RefKind, new Map()]));
  const outcomes: RowOutcome[] = [];

  for (const spec of SYNC_KINDS) {
    const rows = (input[spec.field] as SyncRecordInput[] | null | undefined) ?? [];
    if (!rows.length) continue;
    const sqlKind = isSqlKind(spec);

    // 1. Field checks, and ids used twice in the call.
    const states: RowState[] = rows.map((row, index) => {
      const c = new RowChecker();
      const externalId = c.text('externalId', row.externalId, 128);
      c.int('sourceVersion', row.sourceVersion, 0, Number.MAX_SAFE_INTEGER, true);
      spec.check(row, c);
      return { row, index, externalId: externalId ?? String(row.externalId ?? '').slice(0, 128), errors: c.errors };
    });
    markDuplicates(
      states,
      (s) => s.externalId,
      () => 'externalId',
      'External id',
    );
    if (spec.naturalKey) {
      const nk = spec.naturalKey;
      markDuplicates(
        states,
        (s) => nk.value(s.row) ?? null,
        () => nk.path,
        nk.path,
      );
    }
    if (spec.children) {
      const children = spec.children;
      markDuplicates(
        states,
        (s) => children(s.row).map((ch) => ch.externalId),
        (s, v) => children(s.row).find((ch) => ch.externalId === v)?.path ?? 'lines',
        'Line external id',
      );
    }

    // 2. Stored rows of this source, and holders of the natural keys.
    const ids = states.map((s) => s.externalId).filter(Boolean);
    const stored = new Map<string, Row>();
    const meta = em.getMetadata().get(spec.entity.name);
    if (sqlKind) {
      // Read and locked in one statement, as plain rows.
      if (ids.length) for (const r of await spec.load({ em, source }, ids)) stored.set(r.externalId, r);
    } else {
      // Rows this call may change are locked first, so that a termination submitted meanwhile
      // waits for the sync (or the sync for it) instead of failing on the row version.
      if (ids.length) {
        await em.execute(
          `select id from "${meta.tableName}" where source = ? and external_id in (${placeholders(ids.length)}) order by id for update`,
          [source, ...ids],
        );
      }
      for (const e of await em.find(spec.entity, { source, externalId: { $in: ids } } as never, {
        populate: (spec.populate ?? []) as never[],
      })) {
        stored.set(e.externalId!, e);
      }
    }
    if (spec.naturalKey?.property) {
      const nk = spec.naturalKey as { property: string; path: string; value(row: SyncRecordInput): string | null | undefined };
      const values = states.map((s) => nk.value(s.row)).filter((v): v is string => !!v);
      const holders = new Map<string, { source: string | null; external_id: string | null }>();
      if (values.length) {
        const column = meta.properties[nk.property as never].fieldNames[0];
        for (const h of await em.execute<{ value: string; source: string | null; external_id: string | null }[]>(
          `select "${column}" as value, source, external_id from "${meta.tableName}" where "${column}" in (${placeholders(values.length)})`,
          values,
        )) {
          holders.set(h.value, h);
        }
      }
      for (const s of states) {
        const value = nk.value(s.row);
        const holder = value ? holders.get(value) : undefined;
        if (holder && !(holder.source === source && holder.external_id === s.externalId)) {
          s.errors.push({ path: nk.path, code: 'CONFLICT', message: `${nk.path} ${value} belongs to another record.` });
        }
      }
    }

    // 3. Referenced rows that are not in this call, one query per referenced kind. An entity kind
    // needs entities: a row a SQL kind wrote in this call is stored by now and loaded as one.
    const usable = (kind: RefKind, externalId: string) => {
      if (!inCall.get(kind)!.has(externalId)) return false;
      const row = inCall.get(kind)!.get(externalId);
      return sqlKind || !row || isEntity(row, kind);
    };
    const wanted = new Map<RefKind, Set<string>>();
    for (const s of states) {
      for (const ref of spec.references(s.row)) {
        if (!usable(ref.kind, ref.externalId)) (wanted.get(ref.kind) ?? wanted.set(ref.kind, new Set()).get(ref.kind)!).add(ref.externalId);
      }
    }
    const storedRefs = new Map<string, Row>();
    for (const [kind, set] of wanted) {
      const found = sqlKind
        ? await loadRefRows(em, source, kind, [...set])
        : await em.find(REF_ENTITIES[kind], { source, externalId: { $in: [...set] } } as never);
      for (const e of found) storedRefs.set(`${kind}:${e.externalId}`, e);
    }
    const lookup = (ref: RefRequest): Row | null | undefined =>
      usable(ref.kind, ref.externalId) ? inCall.get(ref.kind)!.get(ref.externalId) : storedRefs.get(`${ref.kind}:${ref.externalId}`);

    // 4. Row by row without the database: stale, unchanged, references.
    const kindOutcomes = new Map<RowState, SyncOutcome>();
    const pending: (ResolvedRow<SyncRecordInput, Row> & { state: RowState; hash: string; version: number | null })[] = [];
    /** UNCHANGED rows of a SQL kind whose version moved: written with the kind's rows. */
    const versionOnly: { id: string; sourceVersion: number }[] = [];
    for (const s of states) {
      const existing = stored.get(s.externalId) ?? null;
      const hash = s.errors.length ? '' : contentHash(s.row);
      const early = classify(s, existing, hash);
      if (early) {
        kindOutcomes.set(s, early);
        continue;
      }
      const refs = resolve(s);
      if (s.errors.length) kindOutcomes.set(s, SyncOutcome.REJECTED);
      else pending.push({ row: s.row, existing, refs, state: s, hash, version: s.row.sourceVersion ?? null });
    }

    // 5. What the guards check, loaded for all remaining rows at once; then guard and write each.
    const scope = { em, source };
    const prepare = spec.prepare as ((scope: unknown, rows: unknown[]) => Promise<unknown>) | undefined;
    const guard = spec.guard as ((...args: unknown[]) => Promise<RowError[]> | RowError[]) | undefined;
    const batch = prepare && pending.length ? await prepare(scope, pending) : undefined;
    const accepted: typeof pending = [];
    for (const p of pending) {
      const s = p.state;
      if (guard) s.errors.push(...(await guard(scope, p.row, p.existing, p.refs, batch)));
      if (s.errors.length) kindOutcomes.set(s, SyncOutcome.REJECTED);
      else accepted.push(p);
    }
    if (sqlKind) {
      // The rows of earlier entity kinds go first: these rows may point at them.
      if (accepted.length) await em.flush();
      const writeRows: WriteRow<SyncRecordInput, StoredRow>[] = accepted.map((p) => ({
        row: p.row,
        existing: p.existing as StoredRow | null,
        refs: p.refs,
        externalId: p.state.externalId,
        contentHash: p.hash,
        sourceVersion: p.version ?? p.existing?.sourceVersion ?? null,
      }));
      const written = await spec.write(scope, writeRows, versionOnly);
      for (const [externalId, row] of written.rows) stored.set(externalId, row);
      for (const child of written.children) inCall.get(child.kind)!.set(child.externalId, child.row);
    } else {
      for (const p of accepted) {
        const written = spec.apply(scope, p.row, p.existing as SyncedEntity | null, p.refs);
        Object.assign(written.entity, {
          source,
          externalId: p.state.externalId,
          contentHash: p.hash,
          sourceVersion: p.version ?? p.existing?.sourceVersion ?? null,
        });
        stored.set(p.state.externalId, written.entity);
        for (const child of written.children ?? []) inCall.get(child.kind)!.set(child.externalId, child.entity);
      }
    }
    for (const p of accepted) kindOutcomes.set(p.state, p.existing ? SyncOutcome.UPDATED : SyncOutcome.CREATED);

    // 6. Outcomes in the call's order; what later kinds of the call may reference.
    for (const s of states) {
      const outcome = kindOutcomes.get(s)!;
      outcomes.push({ kind: spec.kind, index: s.index, externalId: s.externalId, outcome, errors: s.errors });
      const isAccepted = outcome !== SyncOutcome.REJECTED;
      if (spec.refKind && s.externalId) inCall.get(spec.refKind)!.set(s.externalId, isAccepted ? (stored.get(s.externalId) ?? null) : null);
      if (spec.children && !isAccepted) for (const child of spec.children(s.row)) inCall.get(child.kind)!.set(child.externalId, null);
    }

    /** The outcome of a row decided without its references (rejected, stale, unchanged), or null. */
    function classify(s: RowState, existing: Row | null, hash: string): SyncOutcome | null {
      if (s.errors.length) return SyncOutcome.REJECTED;
      const version = s.row.sourceVersion ?? null;
      if (existing && version !== null && existing.sourceVersion != null && version < existing.sourceVersion) {
        registerChildren(existing);
        return SyncOutcome.STALE;
      }
      if (existing && existing.contentHash === hash) {
        if (version !== null && version !== existing.sourceVersion) {
          if (sqlKind) versionOnly.push({ id: existing.id, sourceVersion: version });
          else existing.sourceVersion = version;
        }
        registerChildren(existing);
        return SyncOutcome.UNCHANGED;
      }
      return null;
    }

    /** The row's references, each to a row of this call or a stored row; errors for the others. */
    function resolve(s: RowState): Refs {
      const resolved = new Map<string, Row>();
      for (const ref of spec.references(s.row)) {
        const target = lookup(ref);
        if (target === null) {
          s.errors.push({ path: ref.path, code: 'REFERENCE_REJECTED', message: `${ref.externalId} was rejected in this call.` });
        } else if (!target) {
          s.errors.push({
            path: ref.path,
            code: 'UNKNOWN_REFERENCE',
            message: `No ${ref.kind} ${ref.externalId} in this call or stored for ${source}.`,
          });
        } else resolved.set(`${ref.kind}:${ref.externalId}`, target);
      }
      return {
        get<T>(kind: RefKind, externalId: string): T {
          const target = resolved.get(`${kind}:${externalId}`);
          if (!target) throw new Error(`sync: unresolved ${kind} ${externalId}`);
          return target as T;
        },
      };
    }

    /** An order kept as stored still offers its lines to later records of the call. */
    function registerChildren(row: Row): void {
      const lines = (row as unknown as { lines?: { getItems(): SyncedEntity[] } | StoredRow[] }).lines;
      if (!spec.children || !lines) return;
      for (const line of Array.isArray(lines) ? lines : lines.getItems()) {
        if (line.externalId) inCall.get('salesOrderLine')!.set(line.externalId, line);
      }
    }
  }
  return outcomes;
}
