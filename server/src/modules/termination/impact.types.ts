import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ID } from 'type-graphql';
import { ArrayMaxSize, MaxLength } from 'class-validator';
import { MoneyByCurrency } from '../../common/money-by-currency.js';
import { ContractClause, OrderStageEnum } from '../order/contract.entity.js';
import type { OrderStage } from '@ot/shared';
import { TerminationFault } from './termination-reason.entity.js';

export enum PurchaseOrderAction {
  CANCEL = 'CANCEL',
  REDUCE = 'REDUCE',
  NONE = 'NONE',
}
registerEnumType(PurchaseOrderAction, { name: 'PurchaseOrderAction', description: 'What terminating does to a purchase order' });

@InputType()
export class TerminationLineInput {
  @Field(() => ID)
  lineId!: string;
  @Field(() => Int)
  quantity!: number;
}

@InputType()
export class TerminationImpactInput {
  @Field(() => String)
  @MaxLength(40)
  orderNumber!: string;

  @Field(() => String)
  @MaxLength(40)
  reasonCode!: string;

  @Field(() => [TerminationLineInput], { nullable: true, description: 'Omit for the whole order' })
  @ArrayMaxSize(200)
  lines?: TerminationLineInput[] | null;
}

@ObjectType({ simpleResolvers: true })
export class ImpactIssue {
  @Field(() => String)
  code!: string;
  @Field(() => String, { description: 'English text; clients translate by code' })
  message!: string;
  @Field(() => String, { nullable: true, description: 'Order line, PO or shipment it concerns' })
  subject?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ImpactLine {
  @Field(() => ID)
  lineId!: string;
  @Field(() => Int)
  lineNo!: number;
  @Field(() => String)
  sku!: string;
  @Field(() => String)
  productName!: string;
  @Field(() => Int)
  orderedQuantity!: number;
  @Field(() => Int)
  openQuantity!: number;
  @Field(() => Int)
  quantity!: number;
  @Field(() => String)
  unitPrice!: string;
  @Field(() => String)
  amount!: string;
}

@ObjectType({ simpleResolvers: true })
export class ImpactPurchaseOrderLine {
  @Field(() => ID)
  purchaseOrderLineId!: string;
  @Field(() => String)
  sku!: string;
  @Field(() => Int)
  quantity!: number;
  @Field(() => Int)
  openQuantity!: number;
  @Field(() => Int, { description: 'Quantity that would be cancelled with the supplier' })
  cancelQuantity!: number;
}

@ObjectType({ simpleResolvers: true })
export class ImpactPurchaseOrder {
  @Field(() => ID)
  purchaseOrderId!: string;
  @Field(() => String)
  number!: string;
  @Field(() => String)
  supplierName!: string;
  @Field(() => String)
  status!: string;
  @Field(() => PurchaseOrderAction)
  action!: PurchaseOrderAction;
  @Field(() => String, {
    nullable: true,
    description: "The purchase order's currency: amount and penalty are in it (null on impacts recorded before it was kept: the order's)",
  })
  currency?: string | null;
  @Field(() => String, { description: 'Cost value of the cancelled quantity, in the purchase order currency' })
  amount!: string;
  @Field(() => String, { description: 'Supplier cancellation penalty, in the purchase order currency' })
  penalty!: string;
  @Field(() => Boolean, { description: 'Also buys for other sales orders' })
  shared!: boolean;
  @Field(() => [ImpactPurchaseOrderLine])
  lines!: ImpactPurchaseOrderLine[];
}

@ObjectType({ simpleResolvers: true })
export class ImpactReservation {
  @Field(() => ID)
  reservationId!: string;
  @Field(() => String)
  sku!: string;
  @Field(() => String)
  warehouseCode!: string;
  @Field(() => String)
  warehouseName!: string;
  @Field(() => Int)
  quantity!: number;
}

@ObjectType({ simpleResolvers: true })
export class ImpactShipment {
  @Field(() => String)
  number!: string;
  @Field(() => String)
  sku!: string;
  @Field(() => Int)
  quantity!: number;
  @Field(() => String)
  status!: string;
  @Field(() => String)
  carrier!: string;
}

@ObjectType({ simpleResolvers: true })
export class SharedPurchaseOrderOrder {
  @Field(() => String)
  purchaseOrderNumber!: string;
  @Field(() => String)
  orderNumber!: string;
  @Field(() => String)
  customerName!: string;
}

@ObjectType({ simpleResolvers: true })
export class ApprovalRouteStep {
  @Field(() => Int)
  stage!: number;
  @Field(() => String)
  department!: string;
  @Field(() => String)
  ruleCode!: string;
  @Field(() => Int)
  slaHours!: number;
}

@ObjectType({ simpleResolvers: true, description: 'What terminating would do, computed from live data' })
export class TerminationImpact {
  @Field(() => String)
  orderNumber!: string;
  @Field(() => String)
  reasonCode!: string;
  @Field(() => String)
  scope!: 'FULL' | 'PARTIAL';
  @Field(() => [ImpactLine])
  lines!: ImpactLine[];
  @Field(() => [ImpactPurchaseOrder])
  purchaseOrders!: ImpactPurchaseOrder[];
  @Field(() => [ImpactReservation])
  reservations!: ImpactReservation[];
  @Field(() => [ImpactShipment])
  shipments!: ImpactShipment[];
  @Field(() => [SharedPurchaseOrderOrder])
  sharedPurchaseOrderOrders!: SharedPurchaseOrderOrder[];
  @Field(() => String)
  currency!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The currency approval thresholds are in (null on impacts recorded before it was kept)',
  })
  baseCurrency?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Rate of `currency` into baseCurrency used for the approval route; null when none was on record (see warning EXCHANGE_RATE_MISSING)',
  })
  exchangeRate?: string | null;
  @Field(() => String, { nullable: true, description: 'orderValue in baseCurrency; null without a rate' })
  orderValueInBase?: string | null;
  @Field(() => String)
  orderValue!: string;
  @Field(() => String, { description: 'Value of the quantities being terminated' })
  terminatedValue!: string;
  @Field(() => String)
  amountInvoiced!: string;
  @Field(() => String)
  amountPaid!: string;
  @Field(() => OrderStageEnum)
  orderStage!: OrderStage;
  @Field(() => String, { description: 'Fee rate of the contract at the order stage' })
  feeRate!: string;
  @Field(() => TerminationFault, { description: 'Who causes the termination; only BUYER is charged the contract fee' })
  fault!: TerminationFault;
  @Field(() => String, { description: "The contract's fee rate × terminated value, owed only when the buyer causes the termination" })
  contractFee!: string;
  @Field(() => String, { description: 'The fee actually charged: contractFee when buyer-caused, else 0; or as adjusted by finance' })
  cancellationFee!: string;
  @Field(() => Boolean, { description: 'Whether finance adjusted (or waived) the fee; a FEE_ADJUSTED warning says why' })
  feeAdjusted!: boolean;
  @Field(() => String, { description: 'Paid minus (value kept + fee), never negative' })
  refundDue!: string;
  @Field(() => String, { description: 'Fee not covered by what the customer has paid' })
  feeOutstanding!: string;
  @Field(() => String, {
    description:
      "Penalties of the purchase orders in the order's currency; those in other currencies are in supplierPenaltiesByCurrency only",
  })
  supplierPenalties!: string;
  @Field(() => [MoneyByCurrency], {
    nullable: true,
    description: 'Supplier penalties per purchase-order currency, never added across currencies (null on impacts recorded before)',
  })
  supplierPenaltiesByCurrency?: MoneyByCurrency[] | null;
  @Field(() => [ContractClause])
  contractClauses!: ContractClause[];
  @Field(() => Int)
  noticeDays!: number;
  @Field(() => [String])
  departmentsToNotify!: string[];
  @Field(() => [ApprovalRouteStep])
  approvalRoute!: ApprovalRouteStep[];
  @Field(() => Boolean)
  customerConfirmationRequired!: boolean;
  @Field(() => Boolean, { description: 'Whether the contract itself demands confirmation (cannot be turned off)' })
  customerConfirmationByContract!: boolean;
  @Field(() => [ImpactIssue])
  blockers!: ImpactIssue[];
  @Field(() => [ImpactIssue])
  warnings!: ImpactIssue[];
  @Field(() => Date)
  computedAt!: Date;
}

/** The stored snapshot is the impact as plain JSON (snapshots from before fees by fault lack those keys). */
export type ImpactSnapshot = Omit<TerminationImpact, 'computedAt' | 'fault' | 'contractFee' | 'feeAdjusted'> &
  Partial<Pick<TerminationImpact, 'fault' | 'contractFee' | 'feeAdjusted'>> & { computedAt: string | Date };

@ObjectType({ simpleResolvers: true })
export class AppliedPurchaseOrderLineChange {
  @Field(() => String)
  sku!: string;
  @Field(() => Int, { description: 'On the PO line before (ordered minus earlier cancellations)' })
  quantityBefore!: number;
  @Field(() => Int, { description: 'Cancelled with the supplier by this termination' })
  quantityCancelled!: number;
  @Field(() => Int)
  quantityAfter!: number;
}

@ObjectType({ simpleResolvers: true, description: 'What the effect actually did to a purchase order' })
export class AppliedPurchaseOrderChange {
  @Field(() => String)
  purchaseOrderNumber!: string;
  @Field(() => String)
  supplierName!: string;
  @Field(() => PurchaseOrderAction, { description: 'CANCEL when the PO ended cancelled, else REDUCE' })
  action!: PurchaseOrderAction;
  @Field(() => String)
  statusBefore!: string;
  @Field(() => String)
  statusAfter!: string;
  @Field(() => [AppliedPurchaseOrderLineChange])
  lines!: AppliedPurchaseOrderLineChange[];
}

@ObjectType({ simpleResolvers: true, description: "Finance's adjustment of the cancellation fee before the effect" })
export class CancellationFeeAdjustment {
  @Field(() => String)
  amount!: string;
  @Field(() => String, { description: 'The fee charged before the adjustment' })
  previousAmount!: string;
  @Field(() => String, { description: 'The most the contract allowed when adjusted' })
  contractFee!: string;
  @Field(() => String)
  reason!: string;
  @Field(() => String)
  adjustedByName!: string;
  @Field(() => Date)
  adjustedAt!: Date;
}
