import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IdempotencyKeyReusedError, InputError } from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { SyncOutcome, SyncOutcomeCounts, SyncRecordKind } from './sync-record.js';
import { ContractSyncInput } from './kinds/contract.sync.js';
import { CustomerSyncInput } from './kinds/customer.sync.js';
import { ProductSyncInput } from './kinds/product.sync.js';
import { PurchaseOrderSyncInput } from './kinds/purchase-order.sync.js';
import { ReservationSyncInput } from './kinds/reservation.sync.js';
import { SalesOrderSyncInput } from './kinds/sales-order.sync.js';
import { SupplierSyncInput } from './kinds/supplier.sync.js';
import { StockLevelSyncInput } from './kinds/stock-level.sync.js';
import { WarehouseSyncInput } from './kinds/warehouse.sync.js';
import { ExchangeRateSyncInput } from './kinds/exchange-rate.sync.js';
import { InvoiceSyncInput } from './kinds/invoice.sync.js';
import { PaymentSyncInput } from './kinds/payment.sync.js';
import { ShipmentSyncInput } from './kinds/shipment.sync.js';

export enum SyncErrorPolicy {
  REJECT_EVERYTHING = 'REJECT_EVERYTHING',
  REJECT_FAILED_ROWS = 'REJECT_FAILED_ROWS',
}
registerEnumType(SyncErrorPolicy, {
  name: 'SyncErrorPolicy',
  description: 'REJECT_EVERYTHING: one transaction, any rejected row and nothing is written. REJECT_FAILED_ROWS: good rows are saved.',
});

/** At most this many records (of all kinds together) in one call. */
export const MAX_SYNC_RECORDS = 500;

@InputType()
export class SyncRecordsInput {
  @Field(() => String, { description: 'The sending system, e.g. "SAP-PRD": external ids are unique within it' })
  source!: string;

  @Field(() => SyncErrorPolicy, { nullable: true, defaultValue: SyncErrorPolicy.REJECT_EVERYTHING })
  errorPolicy?: SyncErrorPolicy | null;

  @Field(() => String, { nullable: true, description: 'The same key with the same input returns the first result (24 h)' })
  idempotencyKey?: string | null;

  @Field(() => [CustomerSyncInput], { nullable: true })
  customers?: CustomerSyncInput[] | null;

  @Field(() => [SupplierSyncInput], { nullable: true })
  suppliers?: SupplierSyncInput[] | null;

  @Field(() => [ProductSyncInput], { nullable: true })
  products?: ProductSyncInput[] | null;

  @Field(() => [WarehouseSyncInput], { nullable: true })
  warehouses?: WarehouseSyncInput[] | null;

  @Field(() => [ContractSyncInput], { nullable: true })
  contracts?: ContractSyncInput[] | null;

  @Field(() => [SalesOrderSyncInput], { nullable: true })
  salesOrders?: SalesOrderSyncInput[] | null;

  @Field(() => [PurchaseOrderSyncInput], { nullable: true })
  purchaseOrders?: PurchaseOrderSyncInput[] | null;

  @Field(() => [StockLevelSyncInput], { nullable: true })
  stockLevels?: StockLevelSyncInput[] | null;

  @Field(() => [ReservationSyncInput], { nullable: true })
  reservations?: ReservationSyncInput[] | null;

  @Field(() => [ShipmentSyncInput], { nullable: true })
  shipments?: ShipmentSyncInput[] | null;

  @Field(() => [InvoiceSyncInput], { nullable: true })
  invoices?: InvoiceSyncInput[] | null;

  @Field(() => [PaymentSyncInput], { nullable: true })
  payments?: PaymentSyncInput[] | null;

  @Field(() => [ExchangeRateSyncInput], { nullable: true })
  exchangeRates?: ExchangeRateSyncInput[] | null;
}

@ObjectType({ simpleResolvers: true })
export class SyncRowError {
  @Field(() => String, { description: 'Where in the record, e.g. "lines[1].quantity"' })
  path!: string;
  @Field(() => String, {
    description:
      'REQUIRED, INVALID, TOO_LONG, UNKNOWN_REFERENCE, REFERENCE_REJECTED, DUPLICATE_IN_CALL, CONFLICT or TERMINATION_IN_PROGRESS',
  })
  code!: string;
  @Field(() => String)
  message!: string;
}

@ObjectType({ simpleResolvers: true })
export class SyncRowResult {
  @Field(() => SyncRecordKind)
  kind!: SyncRecordKind;
  @Field(() => Int, { description: 'Position of the record in its list of the input' })
  index!: number;
  @Field(() => String)
  externalId!: string;
  @Field(() => SyncOutcome)
  outcome!: SyncOutcome;
  @Field(() => [SyncRowError])
  errors!: SyncRowError[];
}

@ObjectType({ simpleResolvers: true })
export class SyncRecordsSuccess extends SyncOutcomeCounts {
  @Field(() => Boolean, {
    description: 'False when REJECT_EVERYTHING met a rejected row: nothing was written, the other outcomes say what would have happened',
  })
  applied!: boolean;
  @Field(() => Boolean, { description: 'True when an earlier call with the same idempotency key is returned' })
  replayed!: boolean;
  @Field(() => [SyncRowResult])
  rows!: SyncRowResult[];
}

export const SyncRecordsResult = resultUnion('SyncRecordsResult', SyncRecordsSuccess, [InputError, IdempotencyKeyReusedError]);
