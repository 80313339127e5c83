import { searchesNumbers } from '@ot/shared';

/**
 * The free-text search of the order and termination lists, written so that PostgreSQL answers it
 * from indexes whatever the table sizes: each way to match (number, customer name) is its own
 * branch of a union over its own index, instead of one OR across a join, which the planner can
 * only answer by scanning and joining every order.
 *
 * Numbers are matched inside only from three characters on: a trigram index needs three, and a
 * one- or two-character fragment of a number matches most orders anyway. Customer names match
 * from the first character (Chinese names are often two: "华东").
 */

/**
 * SQL selecting the ids of the sales orders whose number (when `term` is long enough) or whose
 * customer's name or English name contains the search, each order once (the branches exclude
 * each other, so the union can be counted as it comes); `pattern` is the placeholder of its
 * ILIKE pattern (`?` or `$n`).
 */
export function ordersMatchingSql(term: string, pattern: string): string {
  // The customers first, as an array: a handful of ids the orders' customer index is probed with.
  const customers = `array(select c.id from customer c where c.name ilike ${pattern} or c.name_en ilike ${pattern})`;
  const byCustomer = `select so.id from sales_order so where so.customer_id = any(${customers})`;
  return searchesNumbers(term)
    ? `select so.id from sales_order so where so.number ilike ${pattern} and so.customer_id <> all(${customers}) union all ${byCustomer}`
    : byCustomer;
}

/**
 * SQL selecting the ids of the terminations whose number, or whose order, matches the search.
 * The order's number and its customer are separate branches, each handing the termination index
 * on order_id a short list of ids: as one `order_id in (…)`, the planner took the customer
 * branch's guess (a third of all orders) for the whole and scanned the terminations.
 */
export function terminationsMatchingSql(term: string, pattern: string): string {
  // A join, not `in`: the planner may start from the terminations (fewer than orders) and probe
  // each one's order instead of collecting every order of the matching customers.
  const byCustomer = `select tm.id from termination tm join sales_order so on so.id = tm.order_id
     where so.customer_id = any(array(select c.id from customer c where c.name ilike ${pattern} or c.name_en ilike ${pattern}))`;
  if (!searchesNumbers(term)) return byCustomer;
  return `select tm.id from termination tm where tm.number ilike ${pattern}
     union all select tm.id from termination tm where tm.order_id in (select so.id from sales_order so where so.number ilike ${pattern})
     union all ${byCustomer}`;
}
