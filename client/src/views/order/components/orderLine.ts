import { graphql } from '@/gql';

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
