import { Migration } from '@mikro-orm/migrations';

/*
 * terminationStats without the order tables (issue #18, reads that do not grow with the data).
 *
 * Three narrow fact tables hold, per termination, per termination line and per approval step,
 * exactly the columns the dashboard aggregates, with what today has to be joined from the orders
 * (the order's customer and currency, the order line's product) and the termination's submission
 * time copied in, so every period is an index range over a narrow table and no statement touches
 * sales_order or sales_order_line.
 *
 * Rows per source row, not counters per day: the figures must stay exactly what the aggregate
 * over the source tables returns, and (1) base-currency sums round each amount times the rate of
 * its own day, looked up when the query runs (a rate recorded later changes past figures), so
 * the amounts have to stay apart; (2) from/to are any instants, not day boundaries; (3) the
 * medians and 90th percentiles (percentile_cont) need every duration; (4) a counter row per day
 * would be updated by every submission of that day, serializing concurrent submits, while a fact
 * row is written only under the lock of its own source row, so two terminations changing at once
 * never touch the same row (no lost update, no wait).
 *
 * Maintained by triggers, not by the lifecycle: the triggers are the one place every writer goes
 * through — the lifecycle's transitions and effects, the volume seed and the set-based bulk code,
 * which insert terminations, lines and steps with plain SQL, and the ERP sync, which may change
 * an order's customer or currency or an order line's product — and they run in the writer's own
 * transaction, so the facts commit or roll back with the change.
 */
export class Migration20261210300000_TerminationStatFacts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table termination_stat (
      termination_id uuid primary key references termination (id) on delete cascade,
      created_at timestamptz not null,
      effective_at timestamptz,
      closed_at timestamptz,
      status text not null,
      reason_id uuid not null,
      customer_id uuid not null,
      currency varchar(3) not null,
      terminated_value numeric)`);
    this.addSql(`create index termination_stat_created_idx on termination_stat (created_at)`);
    this.addSql(`create index termination_stat_effective_idx on termination_stat (effective_at) where effective_at is not null`);
    this.addSql(`create index termination_stat_status_idx on termination_stat (status)`);
    this.addSql(`create table termination_stat_line (
      line_id uuid primary key references termination_line (id) on delete cascade,
      termination_id uuid not null,
      created_at timestamptz not null,
      product_id uuid not null,
      currency varchar(3) not null,
      amount numeric(14, 2) not null)`);
    this.addSql(`create index termination_stat_line_created_idx on termination_stat_line (created_at)`);
    this.addSql(`create index termination_stat_line_termination_idx on termination_stat_line (termination_id)`);
    this.addSql(`create table termination_stat_step (
      step_id uuid primary key references approval_step (id) on delete cascade,
      termination_id uuid not null,
      created_at timestamptz not null,
      stage int not null,
      department varchar(32) not null,
      status text not null,
      activated_at timestamptz,
      decided_at timestamptz,
      due_at timestamptz)`);
    this.addSql(`create index termination_stat_step_created_idx on termination_stat_step (created_at)`);
    this.addSql(`create index termination_stat_step_termination_idx on termination_stat_step (termination_id)`);
    // The dashboard's "approval steps past due now": the pending steps only, by due time.
    this.addSql(`create index termination_stat_step_pending_due_idx on termination_stat_step (due_at) where status = 'PENDING'`);

    // A termination: its own columns and its order's customer and currency; a new submission time
    // or order carries over to its lines and steps.
    this.addSql(`create or replace function termination_stat_sync() returns trigger language plpgsql as $$
      begin
        insert into termination_stat (termination_id, created_at, effective_at, closed_at, status, reason_id, customer_id, currency, terminated_value)
        select new.id, new.created_at, new.effective_at, new.closed_at, new.status, new.reason_id, o.customer_id, o.currency,
               (new.impact->>'terminatedValue')::numeric
          from sales_order o where o.id = new.order_id
        on conflict (termination_id) do update set created_at = excluded.created_at, effective_at = excluded.effective_at,
          closed_at = excluded.closed_at, status = excluded.status, reason_id = excluded.reason_id,
          customer_id = excluded.customer_id, currency = excluded.currency, terminated_value = excluded.terminated_value;
        if tg_op = 'UPDATE' and (new.created_at is distinct from old.created_at or new.order_id is distinct from old.order_id) then
          update termination_stat_line f set created_at = new.created_at, currency = o.currency
            from sales_order o where o.id = new.order_id and f.termination_id = new.id;
          update termination_stat_step set created_at = new.created_at where termination_id = new.id;
        end if;
        return null;
      end $$`);
    this
      .addSql(`create trigger termination_stat_sync after insert or update of created_at, order_id, status, reason_id, impact, effective_at, closed_at
      on termination for each row execute function termination_stat_sync()`);

    // A termination line: its amount, its order line's product and its termination's time and currency.
    this.addSql(`create or replace function termination_stat_line_sync() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' or (tg_op = 'UPDATE' and new.id <> old.id) then
          delete from termination_stat_line where line_id = old.id;
        end if;
        if tg_op = 'DELETE' then return null; end if;
        insert into termination_stat_line (line_id, termination_id, created_at, product_id, currency, amount)
        select new.id, new.termination_id, t.created_at, l.product_id, t.currency, new.amount
          from termination_stat t, sales_order_line l where t.termination_id = new.termination_id and l.id = new.sales_order_line_id
        on conflict (line_id) do update set termination_id = excluded.termination_id, created_at = excluded.created_at,
          product_id = excluded.product_id, currency = excluded.currency, amount = excluded.amount;
        return null;
      end $$`);
    this.addSql(`create trigger termination_stat_line_sync after insert or update or delete on termination_line
      for each row execute function termination_stat_line_sync()`);

    // An approval step: what the department load and the stage cycle times read, with its termination's time.
    this.addSql(`create or replace function termination_stat_step_sync() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' or (tg_op = 'UPDATE' and new.id <> old.id) then
          delete from termination_stat_step where step_id = old.id;
        end if;
        if tg_op = 'DELETE' then return null; end if;
        insert into termination_stat_step (step_id, termination_id, created_at, stage, department, status, activated_at, decided_at, due_at)
        select new.id, new.termination_id, t.created_at, new.stage, new.department, new.status, new.activated_at, new.decided_at, new.due_at
          from termination t where t.id = new.termination_id
        on conflict (step_id) do update set termination_id = excluded.termination_id, created_at = excluded.created_at,
          stage = excluded.stage, department = excluded.department, status = excluded.status,
          activated_at = excluded.activated_at, decided_at = excluded.decided_at, due_at = excluded.due_at;
        return null;
      end $$`);
    this
      .addSql(`create trigger termination_stat_step_sync after insert or update of id, termination_id, stage, department, status, activated_at, decided_at, due_at or delete
      on approval_step for each row execute function termination_stat_step_sync()`);

    // The order side changes rarely (ERP sync): only a new customer, currency or product reaches the facts.
    this.addSql(`create or replace function termination_stat_order_sync() returns trigger language plpgsql as $$
      begin
        update termination_stat f set customer_id = new.customer_id, currency = new.currency
          from termination t where t.order_id = new.id and f.termination_id = t.id;
        update termination_stat_line f set currency = new.currency
          from termination t where t.order_id = new.id and f.termination_id = t.id;
        return null;
      end $$`);
    this.addSql(`create trigger termination_stat_order_sync after update of customer_id, currency on sales_order for each row
      when (new.customer_id is distinct from old.customer_id or new.currency is distinct from old.currency)
      execute function termination_stat_order_sync()`);
    this.addSql(`create or replace function termination_stat_order_line_sync() returns trigger language plpgsql as $$
      begin
        update termination_stat_line f set product_id = new.product_id
          from termination_line tl where tl.sales_order_line_id = new.id and f.line_id = tl.id;
        return null;
      end $$`);
    this.addSql(`create trigger termination_stat_order_line_sync after update of product_id on sales_order_line for each row
      when (new.product_id is distinct from old.product_id)
      execute function termination_stat_order_line_sync()`);

    // Backfill: the same rows the triggers write, set-based.
    this
      .addSql(`insert into termination_stat (termination_id, created_at, effective_at, closed_at, status, reason_id, customer_id, currency, terminated_value)
      select t.id, t.created_at, t.effective_at, t.closed_at, t.status, t.reason_id, o.customer_id, o.currency, (t.impact->>'terminatedValue')::numeric
        from termination t join sales_order o on o.id = t.order_id`);
    this.addSql(`insert into termination_stat_line (line_id, termination_id, created_at, product_id, currency, amount)
      select tl.id, tl.termination_id, t.created_at, l.product_id, t.currency, tl.amount
        from termination_line tl join termination_stat t on t.termination_id = tl.termination_id join sales_order_line l on l.id = tl.sales_order_line_id`);
    this
      .addSql(`insert into termination_stat_step (step_id, termination_id, created_at, stage, department, status, activated_at, decided_at, due_at)
      select s.id, s.termination_id, t.created_at, s.stage, s.department, s.status, s.activated_at, s.decided_at, s.due_at
        from approval_step s join termination t on t.id = s.termination_id`);
    this.addSql(`analyze termination_stat, termination_stat_line, termination_stat_step`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists termination_stat_order_line_sync on sales_order_line`);
    this.addSql(`drop trigger if exists termination_stat_order_sync on sales_order`);
    this.addSql(`drop trigger if exists termination_stat_step_sync on approval_step`);
    this.addSql(`drop trigger if exists termination_stat_line_sync on termination_line`);
    this.addSql(`drop trigger if exists termination_stat_sync on termination`);
    this.addSql(
      `drop function if exists termination_stat_order_line_sync(), termination_stat_order_sync(), termination_stat_step_sync(), termination_stat_line_sync(), termination_stat_sync()`,
    );
    this.addSql(`drop table if exists termination_stat_step, termination_stat_line, termination_stat`);
  }
}
