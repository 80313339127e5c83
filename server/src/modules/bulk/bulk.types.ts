import { COMMENT_MAX, EXPLANATION_MAX } from '@ot/shared';
import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ForbiddenActionError, IdempotencyKeyReusedError, InputError, NotFoundError } from '../../common/business-errors.js';
import { MoneyByCurrency } from '../../common/money-by-currency.js';
import { resultUnion } from '../../common/result-union.js';
import { DecideApprovalResult } from '../approval/approval.types.js';
import { ApprovalDecision } from '../approval/approval.types.js';
import { Product } from '../order/product.entity.js';
import { BulkTerminationRun } from './bulk-run.entity.js';

@ObjectType({ simpleResolvers: true })
export class DiscontinuationOrder {
  @Field(() => String)
  orderNumber!: string;
  @Field(() => String)
  customerName!: string;
  @Field(() => String)
  currency!: string;
  @Field(() => Int)
  openQuantity!: number;
  @Field(() => String)
  openValue!: string;
  @Field(() => String, { nullable: true, description: 'A running termination that blocks this order' })
  blockedBy!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class DiscontinuationPurchaseOrder {
  @Field(() => String)
  number!: string;
  @Field(() => String)
  supplierName!: string;
  @Field(() => String)
  status!: string;
  @Field(() => Int)
  openQuantity!: number;
  @Field(() => Int)
  orderCount!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Every open order line holding a product that stops being made' })
export class DiscontinuationImpact {
  @Field(() => String)
  productSku!: string;
  @Field(() => Product, { nullable: true })
  product!: Product | null;
  @Field(() => Int)
  orderCount!: number;
  @Field(() => Int)
  openQuantity!: number;
  @Field(() => [MoneyByCurrency])
  openValueByCurrency!: MoneyByCurrency[];
  @Field(() => Int, { description: 'Orders a run would skip because a termination is already running' })
  blockedCount!: number;
  @Field(() => [DiscontinuationOrder], { description: 'The first 500 orders by number' })
  orders!: DiscontinuationOrder[];
  @Field(() => [DiscontinuationPurchaseOrder])
  purchaseOrders!: DiscontinuationPurchaseOrder[];
}

@InputType()
export class TerminateDiscontinuedProductInput {
  @Field(() => String)
  @MaxLength(32)
  productSku!: string;
  @Field(() => String)
  @MaxLength(40)
  reasonCode!: string;
  @Field(() => String)
  @MaxLength(EXPLANATION_MAX)
  explanation!: string;
  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

export const BulkTerminationResult = resultUnion('BulkTerminationResult', BulkTerminationRun, [
  NotFoundError,
  InputError,
  ForbiddenActionError,
  IdempotencyKeyReusedError,
]);

@InputType()
export class DecideApprovalsInput {
  @Field(() => [ID])
  stepIds!: string[];
  @Field(() => ApprovalDecision)
  decision!: ApprovalDecision;
  @Field(() => String, { nullable: true })
  @MaxLength(COMMENT_MAX)
  comment?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class StepDecision {
  @Field(() => ID)
  stepId!: string;
  @Field(() => DecideApprovalResult)
  result!: unknown;
}

@ObjectType({ simpleResolvers: true })
export class BulkRunEventType {
  @Field(() => ID)
  runId!: string;
  @Field(() => String)
  status!: string;
  @Field(() => Int)
  total!: number;
  @Field(() => Int)
  created!: number;
  @Field(() => Int)
  skipped!: number;
  @Field(() => Int)
  failed!: number;
  @Field(() => String)
  at!: string;
}
