import { expect } from 'vitest';
import type { TestServer } from '../harness/server.js';
import type { Workflow } from '../harness/workflow.js';
import type { WebhookReceiver } from '../harness/webhook-receiver.js';

/** Confirmed orders with quantity left to terminate (none of the demo's first ones), for webhook specs. */
export async function openOrders(server: Pick<TestServer, 'sql'>, count: number, direction: 'asc' | 'desc' = 'asc'): Promise<string[]> {
  const rows = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
     order by o.number ${direction === 'desc' ? 'desc' : 'asc'} limit $1`,
    [count],
  );
  return rows.map((r) => r.number);
}

/** A termination submitted by the clerk (its events are what the webhooks deliver); its id. */
export async function submitTermination(wf: Workflow, orderNumber: string, explanation: string): Promise<string> {
  const result = await wf.submit('clerk@example.com', { orderNumber, reasonCode: 'CUSTOMER_CANCELLATION', explanation });
  expect(result.__typename, JSON.stringify(result)).toBe('SubmitTerminationSuccess');
  return result.termination!.id;
}

/** An endpoint the admin creates for `receiver` (which learns its secret, to verify signatures). */
export async function endpointFor(
  server: Pick<TestServer, 'gql' | 'login'>,
  receiver: WebhookReceiver,
  eventTypes: string[],
): Promise<void> {
  const created = await server.gql<{ createWebhookEndpoint: { __typename: string; secret?: string } }>(
    `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
      __typename ... on CreateWebhookEndpointSuccess { secret } } }`,
    { i: { url: `${receiver.url}/hook`, eventTypes } },
    await server.login('admin@example.com'),
  );
  expect(created.data?.createWebhookEndpoint.__typename, JSON.stringify(created)).toBe('CreateWebhookEndpointSuccess');
  receiver.secret = created.data!.createWebhookEndpoint.secret!;
}
