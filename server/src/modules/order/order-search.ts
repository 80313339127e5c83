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
 * customer's name or English name contains the search; `pattern` is the placeholder of its
 * ILIKE pattern (`?` or `$n`).
 */
export function ordersMatchingSql(term: string, pattern: string): string {
  // The customers first, as an array: a handful of ids the orders' customer index is probed with.
  const byCustomer = `select so.id from sales_order so
     where so.customer_id = any(array(select c.id from customer c where c.name ilike ${pattern} or c.name_en ilike ${pattern}))`;
  return searchesNumbers(term) ? `select so.id from sales_order so where so.number ilike ${pattern} union all ${byCustomer}` : byCustomer;
}

/** SQL selecting the ids of the terminations whose number, or whose order, matches the search. */
export function terminationsMatchingSql(term: string, pattern: string): string {
  const byOrder = `select tm.id from termination tm where tm.order_id in (${ordersMatchingSql(term, pattern)})`;
  return searchesNumbers(term) ? `select tm.id from termination tm where tm.number ilike ${pattern} union all ${byOrder}` : byOrder;
}
