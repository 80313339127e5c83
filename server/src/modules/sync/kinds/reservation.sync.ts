import { Field, InputType, Int } from 'type-graphql';
import { Reservation, ReservationStatus } from '../../inventory/reservation.entity.js';
import type { Warehouse } from '../../inventory/warehouse.entity.js';
import type { SalesOrderLine } from '../../order/sales-order-line.entity.js';
import type { RefRequest, SyncKind } from '../sync-kind.js';
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

export const reservationSync: SyncKind<ReservationSyncInput, Reservation> = {
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
  apply({ em }, row, existing, refs) {
    const line = refs.get<SalesOrderLine>('salesOrderLine', row.salesOrderLineExternalId!.trim());
    const status = row.status ?? ReservationStatus.ACTIVE;
    const values = {
      salesOrderLine: line,
      product: line.product,
      warehouse: refs.get<Warehouse>('warehouse', row.warehouseExternalId!.trim()),
      quantity: row.quantity!,
      status,
      releasedAt: status === ReservationStatus.RELEASED ? (existing?.releasedAt ?? new Date()) : null,
    };
    return { entity: existing ? Object.assign(existing, values) : em.create(Reservation, values) };
  },
};
