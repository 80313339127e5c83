/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment SessionUser on User {\n    id\n    name\n    email\n    role\n    permissions\n    department {\n      code\n      nameZh\n      nameEn\n    }\n  }\n": typeof types.SessionUserFragmentDoc,
    "\n  query Me {\n    me {\n      ...SessionUser\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on LoginSuccess {\n        token\n        expiresAt\n        user {\n          ...SessionUser\n        }\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  query SignedInUser {\n    me {\n      ...SessionUser\n    }\n  }\n": typeof types.SignedInUserDocument,
    "\n  query OrderDetail($number: String!) {\n    order(number: $number) {\n      id\n      number\n      status\n      stage\n      currency\n      totalAmount\n      amountInvoiced\n      amountPaid\n      orderDate\n      requestedDeliveryDate\n      customer {\n        id\n        code\n        name\n        nameEn\n        contactName\n        email\n        phone\n        city\n        terminationCount\n      }\n      contract {\n        id\n        number\n        title\n      }\n      lines {\n        id\n        reservations {\n          id\n        }\n      }\n      purchaseOrders {\n        id\n      }\n      shipments {\n        id\n      }\n      invoices {\n        id\n      }\n      payments {\n        id\n      }\n      ...OrderLinesTable\n      ...OrderContractPanel\n      ...OrderPurchaseOrders\n      ...OrderReservations\n      ...OrderShipments\n      ...OrderFinance\n    }\n  }\n": typeof types.OrderDetailDocument,
    "\n  query OrderList($filter: OrderFilter, $first: Int, $after: String) {\n    orders(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          number\n          status\n          stage\n          currency\n          totalAmount\n          orderDate\n          customer {\n            id\n            code\n            name\n            nameEn\n          }\n        }\n      }\n    }\n  }\n": typeof types.OrderListDocument,
    "\n  fragment OrderContractPanel on SalesOrder {\n    stage\n    contract {\n      id\n      number\n      title\n      validFrom\n      noticeDays\n      customerConfirmationRequired\n      feeSchedule {\n        stage\n        rate\n      }\n      clauses {\n        code\n        titleZh\n        titleEn\n        textZh\n        textEn\n      }\n    }\n  }\n": typeof types.OrderContractPanelFragmentDoc,
    "\n  fragment OrderFinance on SalesOrder {\n    currency\n    invoices {\n      id\n      number\n      amount\n      issuedOn\n    }\n    payments {\n      id\n      reference\n      amount\n      method\n      paidOn\n    }\n  }\n": typeof types.OrderFinanceFragmentDoc,
    "\n  fragment OrderLinesTable on SalesOrder {\n    currency\n    lines {\n      id\n      lineNo\n      quantity\n      shippedQuantity\n      terminatedQuantity\n      openQuantity\n      unitPrice\n      product {\n        id\n        sku\n        name\n        nameEn\n        unit\n        status\n      }\n    }\n  }\n": typeof types.OrderLinesTableFragmentDoc,
    "\n  fragment OrderPurchaseOrders on SalesOrder {\n    number\n    purchaseOrders {\n      id\n      number\n      supplierCode\n      supplierName\n      status\n      currency\n      orderDate\n      cancellationPenaltyRate\n      lines {\n        id\n        quantity\n        receivedQuantity\n        cancelledQuantity\n        openQuantity\n        unitCost\n        salesOrderNumber\n        product {\n          id\n          sku\n          name\n          nameEn\n        }\n      }\n    }\n  }\n": typeof types.OrderPurchaseOrdersFragmentDoc,
    "\n  fragment OrderReservations on SalesOrder {\n    lines {\n      id\n      lineNo\n      product {\n        id\n        sku\n        name\n        nameEn\n      }\n      reservations {\n        id\n        quantity\n        status\n        releasedAt\n        warehouse {\n          id\n          code\n          name\n          city\n        }\n      }\n    }\n  }\n": typeof types.OrderReservationsFragmentDoc,
    "\n  fragment OrderShipments on SalesOrder {\n    shipments {\n      id\n      number\n      quantity\n      status\n      carrier\n      shippedAt\n      deliveredAt\n    }\n  }\n": typeof types.OrderShipmentsFragmentDoc,
};
const documents: Documents = {
    "\n  fragment SessionUser on User {\n    id\n    name\n    email\n    role\n    permissions\n    department {\n      code\n      nameZh\n      nameEn\n    }\n  }\n": types.SessionUserFragmentDoc,
    "\n  query Me {\n    me {\n      ...SessionUser\n    }\n  }\n": types.MeDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on LoginSuccess {\n        token\n        expiresAt\n        user {\n          ...SessionUser\n        }\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  query SignedInUser {\n    me {\n      ...SessionUser\n    }\n  }\n": types.SignedInUserDocument,
    "\n  query OrderDetail($number: String!) {\n    order(number: $number) {\n      id\n      number\n      status\n      stage\n      currency\n      totalAmount\n      amountInvoiced\n      amountPaid\n      orderDate\n      requestedDeliveryDate\n      customer {\n        id\n        code\n        name\n        nameEn\n        contactName\n        email\n        phone\n        city\n        terminationCount\n      }\n      contract {\n        id\n        number\n        title\n      }\n      lines {\n        id\n        reservations {\n          id\n        }\n      }\n      purchaseOrders {\n        id\n      }\n      shipments {\n        id\n      }\n      invoices {\n        id\n      }\n      payments {\n        id\n      }\n      ...OrderLinesTable\n      ...OrderContractPanel\n      ...OrderPurchaseOrders\n      ...OrderReservations\n      ...OrderShipments\n      ...OrderFinance\n    }\n  }\n": types.OrderDetailDocument,
    "\n  query OrderList($filter: OrderFilter, $first: Int, $after: String) {\n    orders(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          number\n          status\n          stage\n          currency\n          totalAmount\n          orderDate\n          customer {\n            id\n            code\n            name\n            nameEn\n          }\n        }\n      }\n    }\n  }\n": types.OrderListDocument,
    "\n  fragment OrderContractPanel on SalesOrder {\n    stage\n    contract {\n      id\n      number\n      title\n      validFrom\n      noticeDays\n      customerConfirmationRequired\n      feeSchedule {\n        stage\n        rate\n      }\n      clauses {\n        code\n        titleZh\n        titleEn\n        textZh\n        textEn\n      }\n    }\n  }\n": types.OrderContractPanelFragmentDoc,
    "\n  fragment OrderFinance on SalesOrder {\n    currency\n    invoices {\n      id\n      number\n      amount\n      issuedOn\n    }\n    payments {\n      id\n      reference\n      amount\n      method\n      paidOn\n    }\n  }\n": types.OrderFinanceFragmentDoc,
    "\n  fragment OrderLinesTable on SalesOrder {\n    currency\n    lines {\n      id\n      lineNo\n      quantity\n      shippedQuantity\n      terminatedQuantity\n      openQuantity\n      unitPrice\n      product {\n        id\n        sku\n        name\n        nameEn\n        unit\n        status\n      }\n    }\n  }\n": types.OrderLinesTableFragmentDoc,
    "\n  fragment OrderPurchaseOrders on SalesOrder {\n    number\n    purchaseOrders {\n      id\n      number\n      supplierCode\n      supplierName\n      status\n      currency\n      orderDate\n      cancellationPenaltyRate\n      lines {\n        id\n        quantity\n        receivedQuantity\n        cancelledQuantity\n        openQuantity\n        unitCost\n        salesOrderNumber\n        product {\n          id\n          sku\n          name\n          nameEn\n        }\n      }\n    }\n  }\n": types.OrderPurchaseOrdersFragmentDoc,
    "\n  fragment OrderReservations on SalesOrder {\n    lines {\n      id\n      lineNo\n      product {\n        id\n        sku\n        name\n        nameEn\n      }\n      reservations {\n        id\n        quantity\n        status\n        releasedAt\n        warehouse {\n          id\n          code\n          name\n          city\n        }\n      }\n    }\n  }\n": types.OrderReservationsFragmentDoc,
    "\n  fragment OrderShipments on SalesOrder {\n    shipments {\n      id\n      number\n      quantity\n      status\n      carrier\n      shippedAt\n      deliveredAt\n    }\n  }\n": types.OrderShipmentsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionUser on User {\n    id\n    name\n    email\n    role\n    permissions\n    department {\n      code\n      nameZh\n      nameEn\n    }\n  }\n"): (typeof documents)["\n  fragment SessionUser on User {\n    id\n    name\n    email\n    role\n    permissions\n    department {\n      code\n      nameZh\n      nameEn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      ...SessionUser\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      ...SessionUser\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on LoginSuccess {\n        token\n        expiresAt\n        user {\n          ...SessionUser\n        }\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on LoginSuccess {\n        token\n        expiresAt\n        user {\n          ...SessionUser\n        }\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SignedInUser {\n    me {\n      ...SessionUser\n    }\n  }\n"): (typeof documents)["\n  query SignedInUser {\n    me {\n      ...SessionUser\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrderDetail($number: String!) {\n    order(number: $number) {\n      id\n      number\n      status\n      stage\n      currency\n      totalAmount\n      amountInvoiced\n      amountPaid\n      orderDate\n      requestedDeliveryDate\n      customer {\n        id\n        code\n        name\n        nameEn\n        contactName\n        email\n        phone\n        city\n        terminationCount\n      }\n      contract {\n        id\n        number\n        title\n      }\n      lines {\n        id\n        reservations {\n          id\n        }\n      }\n      purchaseOrders {\n        id\n      }\n      shipments {\n        id\n      }\n      invoices {\n        id\n      }\n      payments {\n        id\n      }\n      ...OrderLinesTable\n      ...OrderContractPanel\n      ...OrderPurchaseOrders\n      ...OrderReservations\n      ...OrderShipments\n      ...OrderFinance\n    }\n  }\n"): (typeof documents)["\n  query OrderDetail($number: String!) {\n    order(number: $number) {\n      id\n      number\n      status\n      stage\n      currency\n      totalAmount\n      amountInvoiced\n      amountPaid\n      orderDate\n      requestedDeliveryDate\n      customer {\n        id\n        code\n        name\n        nameEn\n        contactName\n        email\n        phone\n        city\n        terminationCount\n      }\n      contract {\n        id\n        number\n        title\n      }\n      lines {\n        id\n        reservations {\n          id\n        }\n      }\n      purchaseOrders {\n        id\n      }\n      shipments {\n        id\n      }\n      invoices {\n        id\n      }\n      payments {\n        id\n      }\n      ...OrderLinesTable\n      ...OrderContractPanel\n      ...OrderPurchaseOrders\n      ...OrderReservations\n      ...OrderShipments\n      ...OrderFinance\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrderList($filter: OrderFilter, $first: Int, $after: String) {\n    orders(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          number\n          status\n          stage\n          currency\n          totalAmount\n          orderDate\n          customer {\n            id\n            code\n            name\n            nameEn\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OrderList($filter: OrderFilter, $first: Int, $after: String) {\n    orders(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          number\n          status\n          stage\n          currency\n          totalAmount\n          orderDate\n          customer {\n            id\n            code\n            name\n            nameEn\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderContractPanel on SalesOrder {\n    stage\n    contract {\n      id\n      number\n      title\n      validFrom\n      noticeDays\n      customerConfirmationRequired\n      feeSchedule {\n        stage\n        rate\n      }\n      clauses {\n        code\n        titleZh\n        titleEn\n        textZh\n        textEn\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment OrderContractPanel on SalesOrder {\n    stage\n    contract {\n      id\n      number\n      title\n      validFrom\n      noticeDays\n      customerConfirmationRequired\n      feeSchedule {\n        stage\n        rate\n      }\n      clauses {\n        code\n        titleZh\n        titleEn\n        textZh\n        textEn\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderFinance on SalesOrder {\n    currency\n    invoices {\n      id\n      number\n      amount\n      issuedOn\n    }\n    payments {\n      id\n      reference\n      amount\n      method\n      paidOn\n    }\n  }\n"): (typeof documents)["\n  fragment OrderFinance on SalesOrder {\n    currency\n    invoices {\n      id\n      number\n      amount\n      issuedOn\n    }\n    payments {\n      id\n      reference\n      amount\n      method\n      paidOn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderLinesTable on SalesOrder {\n    currency\n    lines {\n      id\n      lineNo\n      quantity\n      shippedQuantity\n      terminatedQuantity\n      openQuantity\n      unitPrice\n      product {\n        id\n        sku\n        name\n        nameEn\n        unit\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment OrderLinesTable on SalesOrder {\n    currency\n    lines {\n      id\n      lineNo\n      quantity\n      shippedQuantity\n      terminatedQuantity\n      openQuantity\n      unitPrice\n      product {\n        id\n        sku\n        name\n        nameEn\n        unit\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderPurchaseOrders on SalesOrder {\n    number\n    purchaseOrders {\n      id\n      number\n      supplierCode\n      supplierName\n      status\n      currency\n      orderDate\n      cancellationPenaltyRate\n      lines {\n        id\n        quantity\n        receivedQuantity\n        cancelledQuantity\n        openQuantity\n        unitCost\n        salesOrderNumber\n        product {\n          id\n          sku\n          name\n          nameEn\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment OrderPurchaseOrders on SalesOrder {\n    number\n    purchaseOrders {\n      id\n      number\n      supplierCode\n      supplierName\n      status\n      currency\n      orderDate\n      cancellationPenaltyRate\n      lines {\n        id\n        quantity\n        receivedQuantity\n        cancelledQuantity\n        openQuantity\n        unitCost\n        salesOrderNumber\n        product {\n          id\n          sku\n          name\n          nameEn\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderReservations on SalesOrder {\n    lines {\n      id\n      lineNo\n      product {\n        id\n        sku\n        name\n        nameEn\n      }\n      reservations {\n        id\n        quantity\n        status\n        releasedAt\n        warehouse {\n          id\n          code\n          name\n          city\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment OrderReservations on SalesOrder {\n    lines {\n      id\n      lineNo\n      product {\n        id\n        sku\n        name\n        nameEn\n      }\n      reservations {\n        id\n        quantity\n        status\n        releasedAt\n        warehouse {\n          id\n          code\n          name\n          city\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderShipments on SalesOrder {\n    shipments {\n      id\n      number\n      quantity\n      status\n      carrier\n      shippedAt\n      deliveredAt\n    }\n  }\n"): (typeof documents)["\n  fragment OrderShipments on SalesOrder {\n    shipments {\n      id\n      number\n      quantity\n      status\n      carrier\n      shippedAt\n      deliveredAt\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;