import { Migration } from '@mikro-orm/migrations';

/**
 * Fees by fault: every reason says who causes a termination (the contract fee is owed only
 * when the buyer causes it); a termination keeps the fault it was submitted with, finance's
 * fee adjustment, and what its effect actually did to purchase orders.
 */
export class Migration20261130110000_FeeByFault extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "termination_reason" add column "fault" text check ("fault" in ('BUYER', 'SELLER', 'NONE')) null;`);
    // The catalog every installation has, then anything an admin added, by its category.
    this.addSql(`update "termination_reason" set "fault" = case
        when "code" in ('CUSTOMER_CANCELLATION', 'CUSTOMER_CHANGE', 'CREDIT_RISK', 'DUPLICATE_ORDER') then 'BUYER'
        when "code" in ('PRODUCT_DISCONTINUED', 'SUPPLY_UNAVAILABLE', 'INTERNAL_DECISION') then 'SELLER'
        when "code" = 'OTHER' then 'NONE'
        when "category" in ('CUSTOMER', 'FINANCIAL') then 'BUYER'
        when "category" in ('PRODUCT', 'SUPPLY', 'INTERNAL') then 'SELLER'
        else 'NONE' end;`);
    this.addSql(`alter table "termination_reason" alter column "fault" set not null;`);

    this.addSql(`alter table "termination" add column "fault" text check ("fault" in ('BUYER', 'SELLER', 'NONE')) null,
      add column "fee_adjustment" jsonb null, add column "applied_purchase_order_changes" jsonb null;`);
    // A bulk discontinuation is our decision whatever reason was picked.
    this.addSql(`update "termination" t set "fault" = case when t."bulk_run_id" is not null then 'SELLER' else r."fault" end
      from "termination_reason" r where r."id" = t."reason_id";`);
    this.addSql(`alter table "termination" alter column "fault" set not null;`);
    // Snapshots say who causes it; their fee was computed by the old rule (the contract fee).
    this
      .addSql(`update "termination" set "impact" = "impact" || jsonb_build_object('fault', "fault", 'contractFee', "impact"->'cancellationFee', 'feeAdjusted', false)
      where not ("impact" ? 'fault');`);
    // Running terminations that are not buyer-caused no longer charge it: what the customer is shown
    // (and the effect will charge) is corrected; finished ones keep what was settled.
    this.addSql(`update "termination" set "impact" = "impact" || jsonb_build_object(
        'cancellationFee', '0.00', 'feeOutstanding', '0.00',
        'refundDue', (("impact"->>'refundDue')::numeric + ("impact"->>'cancellationFee')::numeric - ("impact"->>'feeOutstanding')::numeric)::numeric(16,2)::text)
      where "status" in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER') and "fault" <> 'BUYER' and ("impact"->>'cancellationFee')::numeric > 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "termination" drop column "fault", drop column "fee_adjustment", drop column "applied_purchase_order_changes";`,
    );
    this.addSql(`alter table "termination_reason" drop column "fault";`);
  }
}
