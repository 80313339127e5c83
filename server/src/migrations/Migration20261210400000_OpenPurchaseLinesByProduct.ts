import { Migration } from '@mikro-orm/migrations';

/**
 * A product's open purchase-order lines by the line's own product (issue #18, B9's
 * discontinuationImpact): the purchasing side of a discontinuation probed purchase_order_line once
 * per sales-order line of the product and, at a million orders, scanned it whole. A PO line's
 * product is always its sales-order line's (the ERP sync refuses a PO line whose product differs),
 * so the open PO lines of a product are found on this partial index alone.
 */
export class Migration20261210400000_OpenPurchaseLinesByProduct extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "purchase_order_line_open_product_idx" on "purchase_order_line" ("product_id") where "quantity" > "received_quantity" + "cancelled_quantity";`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "purchase_order_line_open_product_idx";`);
  }
}
