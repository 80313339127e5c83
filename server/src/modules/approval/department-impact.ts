import { Field, Int, ObjectType } from 'type-graphql';
import { MoneyByCurrency } from '../../common/money-by-currency.js';
import { sumMoney } from '../../common/money.js';
import type { ImpactSnapshot } from '../termination/impact.types.js';

@ObjectType({ simpleResolvers: true, description: 'What PURCHASING must do: purchase orders to cancel or reduce with the supplier' })
export class PurchasingImpact {
  @Field(() => Int)
  purchaseOrdersToCancel!: number;
  @Field(() => Int)
  purchaseOrdersToReduce!: number;
  @Field(() => Int, { description: 'Units to cancel with suppliers, all purchase orders together' })
  quantityToCancel!: number;
  @Field(() => [MoneyByCurrency], { description: 'Supplier penalties per purchase-order currency (never added across currencies)' })
  penalties!: MoneyByCurrency[];
}

@ObjectType({ simpleResolvers: true, description: 'What WAREHOUSE must do: reservations to release, shipments already on their way' })
export class WarehouseImpact {
  @Field(() => Int)
  reservationsToRelease!: number;
  @Field(() => Int)
  quantityToRelease!: number;
  @Field(() => Int)
  shipmentsInTransit!: number;
  @Field(() => Int)
  quantityInTransit!: number;
}

@ObjectType({ simpleResolvers: true, description: 'The money FINANCE settles, in the order currency' })
export class FinanceImpact {
  @Field(() => String)
  currency!: string;
  @Field(() => String)
  refundDue!: string;
  @Field(() => String)
  cancellationFee!: string;
  @Field(() => String)
  feeOutstanding!: string;
  @Field(() => String)
  amountInvoiced!: string;
  @Field(() => String)
  amountPaid!: string;
}

@ObjectType({ simpleResolvers: true, description: 'What SALES and MANAGEMENT weigh: the amount and the reason' })
export class SalesImpact {
  @Field(() => String)
  currency!: string;
  @Field(() => String)
  terminatedValue!: string;
  @Field(() => String)
  orderValue!: string;
  @Field(() => String)
  reasonCode!: string;
}

@ObjectType({
  simpleResolvers: true,
  description: "The deciding department's own part of the impact (from the snapshot taken at submission); only its part is set",
})
export class DepartmentImpact {
  @Field(() => String)
  department!: string;
  @Field(() => PurchasingImpact, { nullable: true })
  purchasing?: PurchasingImpact | null;
  @Field(() => WarehouseImpact, { nullable: true })
  warehouse?: WarehouseImpact | null;
  @Field(() => FinanceImpact, { nullable: true })
  finance?: FinanceImpact | null;
  @Field(() => SalesImpact, { nullable: true })
  sales?: SalesImpact | null;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Penalties per currency; snapshots from before per-currency penalties count them in the order currency. */
function penalties(impact: ImpactSnapshot): MoneyByCurrency[] {
  if (impact.supplierPenaltiesByCurrency) return impact.supplierPenaltiesByCurrency;
  const byCurrency = new Map<string, string[]>();
  for (const po of impact.purchaseOrders) {
    const currency = po.currency ?? impact.currency;
    byCurrency.set(currency, [...(byCurrency.get(currency) ?? []), po.penalty]);
  }
  return [...byCurrency].map(([currency, amounts]) => ({ currency, amount: sumMoney(amounts) }));
}

/**
 * Picks a department's share out of a termination's impact snapshot. Pure, so a board of any size costs
 * no statement beyond loading its terminations (batched by the loaders).
 */
export function departmentImpact(department: string, impact: ImpactSnapshot): DepartmentImpact {
  switch (department) {
    case 'PURCHASING': {
      const acting = impact.purchaseOrders.filter((po) => po.action !== 'NONE');
      return {
        department,
        purchasing: {
          purchaseOrdersToCancel: acting.filter((po) => po.action === 'CANCEL').length,
          purchaseOrdersToReduce: acting.filter((po) => po.action === 'REDUCE').length,
          quantityToCancel: sum(acting.flatMap((po) => po.lines.map((l) => l.cancelQuantity))),
          penalties: penalties(impact),
        },
      };
    }
    case 'WAREHOUSE': {
      const inTransit = impact.shipments.filter((s) => s.status === 'IN_TRANSIT');
      return {
        department,
        warehouse: {
          reservationsToRelease: impact.reservations.length,
          quantityToRelease: sum(impact.reservations.map((r) => r.quantity)),
          shipmentsInTransit: inTransit.length,
          quantityInTransit: sum(inTransit.map((s) => s.quantity)),
        },
      };
    }
    case 'FINANCE':
      return {
        department,
        finance: {
          currency: impact.currency,
          refundDue: impact.refundDue,
          cancellationFee: impact.cancellationFee,
          feeOutstanding: impact.feeOutstanding,
          amountInvoiced: impact.amountInvoiced,
          amountPaid: impact.amountPaid,
        },
      };
    default:
      // SALES, MANAGEMENT and any department added later weigh the amount and the reason.
      return {
        department,
        sales: {
          currency: impact.currency,
          terminatedValue: impact.terminatedValue,
          orderValue: impact.orderValue,
          reasonCode: impact.reasonCode,
        },
      };
  }
}
