/** The kinds of record an outside system sends (ERP sync, spreadsheet import): the API's SyncRecordKind. */
export const SYNC_RECORD_KINDS = [
  'CUSTOMER',
  'SUPPLIER',
  'PRODUCT',
  'WAREHOUSE',
  'CONTRACT',
  'SALES_ORDER',
  'PURCHASE_ORDER',
  'STOCK_LEVEL',
  'RESERVATION',
  'SHIPMENT',
  'INVOICE',
  'PAYMENT',
  'EXCHANGE_RATE',
] as const;
