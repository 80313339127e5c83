import { getFragmentData, graphql, type FragmentType } from '@/gql';

/** An order line with its quantities so far, as the order's lines table and the termination wizard show it. */
export const OrderLineFragment = graphql(`
  fragment OrderLine on SalesOrderLine {
    id
    lineNo
    quantity
    shippedQuantity
    terminatedQuantity
    openQuantity
    unitPrice
    product {
      id
      sku
      name
      nameEn
      unit
      status
    }
  }
`);

/** The lines of an order whose selection spreads the fragment, unmasked. */
export function orderLines(order: { lines: readonly FragmentType<typeof OrderLineFragment>[] }) {
  return order.lines.map((line) => getFragmentData(OrderLineFragment, line));
}
