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
  const customers = customersMatchingSql(pattern);
  const byCustomer = `select so.id from sales_order so where so.customer_id = any(${customers})`;
  return searchesNumbers(term)
    ? `select so.id from sales_order so where so.number ilike ${pattern} and so.customer_id <> all(${customers}) union all ${byCustomer}`
    : byCustomer;
}

/** SQL selecting the ids of the customers whose name or English name matches `pattern`, as an array. */
function customersMatchingSql(pattern: string): string {
  return `array(select c.id from customer c where c.name ilike ${pattern} or c.name_en ilike ${pattern})`;
}

/**
 * SQL keeping the terminations (`t`) whose number, or whose order, matches the search; `pattern`
 * is the placeholder of its ILIKE pattern. Each way to match is its own branch over its own index:
 * the number's trigrams, the order_id index probed with the few orders whose number matches, and
 * the termination's own customer (a copy of its order's) for the few matching customers, so that
 * no order is read for a name. A name alone is a condition on the row itself: the list's page is
 * then read off the list index, or off (customer_id, created_at), and stops at the page.
 */
export function terminationSearchSql(term: string, pattern: string): string {
  const customers = customersMatchingSql(pattern);
  if (!searchesNumbers(term)) return `t.customer_id = any(${customers})`;
  return `t.id in (select tm.id from termination tm where tm.number ilike ${pattern}
     union all select tm.id from termination tm where tm.order_id in (select so.id from sales_order so where so.number ilike ${pattern})
     union all select tm.id from termination tm where tm.customer_id = any(${customers}))`;
}
