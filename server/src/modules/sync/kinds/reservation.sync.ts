import { randomUUID } from 'node:crypto';
import { Field, InputType, Int } from 'type-graphql';
import { Reservation, ReservationStatus } from '../../inventory/reservation.entity.js';
import type { RefRequest, SqlSyncKind, StoredRow } from '../sync-kind.js';
import { loadStored, upsertRows, writeVersions, type Column } from '../sql-write.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

@InputType()
export class ReservationSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  salesOrderLineExternalId?: string | null;
  @Field(() => String, { nullable: true })
  warehouseExternalId?: string | null;
  @Field(() => Int, { nullable: true })
  quantity?: number | null;
  @Field(() => ReservationStatus, { nullable: true, description: 'Default ACTIVE' })
  status?: ReservationStatus | null;
}

interface StoredReservation extends StoredRow {
  releasedAt: string | null;
}

const COLUMNS: Column[] = [
  ['id', 'uuid'],
  ['source', 'text'],
  ['external_id', 'text'],
  ['source_version', 'bigint'],
  ['content_hash', 'text'],
  ['sales_order_line_id', 'uuid'],
  ['product_id', 'uuid'],
  ['warehouse_id', 'uuid'],
  ['quantity', 'int'],
  ['status', 'text'],
  ['released_at', 'timestamptz'],
];
const UPDATED = COLUMNS.slice(3).map(([name]) => name);

export const reservationSync: SqlSyncKind<ReservationSyncInput, StoredReservation> = {
  kind: SyncRecordKind.RESERVATION,
  field: 'reservations',
  entity: Reservation,
  check(row, c) {
    c.text('salesOrderLineExternalId', row.salesOrderLineExternalId, 128);
    c.text('warehouseExternalId', row.warehouseExternalId, 128);
    c.int('quantity', row.quantity, 1);
  },
  references(row) {
    const refs: RefRequest[] = [];
    if (row.salesOrderLineExternalId) {
      refs.push({ path: 'salesOrderLineExternalId', kind: 'salesOrderLine', externalId: row.salesOrderLineExternalId.trim() });
    }
    if (row.warehouseExternalId) refs.push({ path: 'warehouseExternalId', kind: 'warehouse', externalId: row.warehouseExternalId.trim() });
    return refs;
  },
  load: ({ em, source }, externalIds) =>
    loadStored<StoredReservation>(em, 'reservation', source, externalIds, `, t.released_at as "releasedAt"`),
  async write({ em, source }, rows, versionOnly) {
    const written = new Map<string, StoredRow>();
    const now = new Date().toISOString();
    const values = rows.map(({ row, existing, refs, externalId, contentHash, sourceVersion }) => {
      const line = refs.get<{ id: string; product: { id: string } }>('salesOrderLine', row.salesOrderLineExternalId!.trim());
      const status = row.status ?? ReservationStatus.ACTIVE;
      const id = existing?.id ?? randomUUID();
      written.set(externalId, { id, externalId, sourceVersion, contentHash });
      return {
        id,
        source,
        external_id: externalId,
        source_version: sourceVersion,
        content_hash: contentHash,
        sales_order_line_id: line.id,
        product_id: line.product.id,
        warehouse_id: refs.get<{ id: string }>('warehouse', row.warehouseExternalId!.trim()).id,
        quantity: row.quantity,
        status,
        released_at: status === ReservationStatus.RELEASED ? (existing?.releasedAt ?? now) : null,
      };
    });
    await upsertRows(em, 'reservation', COLUMNS, values, UPDATED);
    await writeVersions(em, 'reservation', versionOnly);
    return { rows: written, children: [] };
  },
};
