import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';

export enum SyncOutcome {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  UNCHANGED = 'UNCHANGED',
  STALE = 'STALE',
  REJECTED = 'REJECTED',
}
registerEnumType(SyncOutcome, { name: 'SyncOutcome' });

export enum SyncRecordKind {
  CUSTOMER = 'CUSTOMER',
  SUPPLIER = 'SUPPLIER',
  PRODUCT = 'PRODUCT',
  WAREHOUSE = 'WAREHOUSE',
  CONTRACT = 'CONTRACT',
  SALES_ORDER = 'SALES_ORDER',
  PURCHASE_ORDER = 'PURCHASE_ORDER',
  STOCK_LEVEL = 'STOCK_LEVEL',
  RESERVATION = 'RESERVATION',
  SHIPMENT = 'SHIPMENT',
  INVOICE = 'INVOICE',
  PAYMENT = 'PAYMENT',
  EXCHANGE_RATE = 'EXCHANGE_RATE',
}
registerEnumType(SyncRecordKind, { name: 'SyncRecordKind' });

/** Every record carries these. */
// Not an input type of its own: type-graphql emits only types reachable from resolvers.
@InputType()
export abstract class SyncRecordInput {
  @Field(() => String, { description: 'The id of the record in the source system' })
  externalId!: string;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Monotonic per record: an older version than stored is STALE' })
  sourceVersion?: number | null;
}

/** Records by outcome: of one call (its result), or of a source's calls (the sync overview). */
@ObjectType({ simpleResolvers: true, description: 'Records of syncRecords calls by outcome' })
export class SyncOutcomeCounts {
  @Field(() => Int)
  created!: number;
  @Field(() => Int)
  updated!: number;
  @Field(() => Int)
  unchanged!: number;
  @Field(() => Int)
  stale!: number;
  @Field(() => Int)
  rejected!: number;
}
