import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';
import { WebhookReceiver } from '../harness/webhook-receiver.js';
import { Workflow } from '../harness/workflow.js';
import { endpointFor, openOrders, submitTermination } from './webhooks-helpers.js';

/*
 * Sending on commit (webhook-commit-send.ts): the process that commits events sends their first
 * attempts itself, at once, without a job run; the sender job its transaction queued is a later
 * fallback. Both claim the same rows the same way, so racing them sends each delivery once.
 * RUN_WORKER=0: no job runs unless a test runs it.
 */

describe('webhooks sent on commit', () => {
  let server: TestServer;
  let wf: Workflow;
  let orders: string[];
  const receivers: WebhookReceiver[] = [];

  async function receiverFor(): Promise<WebhookReceiver> {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    await endpointFor(server, receiver, ['TERMINATION_SUBMITTED']);
    return receiver;
  }

  async function submittedEventId(terminationId: string): Promise<string> {
    const [event] = await server.sql<{ id: string }>(
      `select id from audit_event where termination_id = $1 and action = 'termination.submitted'`,
      [terminationId],
    );
    return event!.id;
  }

  beforeAll(async () => {
    server = await startTestServer({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    wf = new Workflow(server);
    orders = await openOrders(server, 12);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await server?.close();
  });

  it('delivers within moments of the commit with no job run; the queued sender job, run later, sends nothing again', async () => {
    const receiver = await receiverFor();
    const terminationId = await submitTermination(wf, orders[0]!, 'sent on commit');
    // Committed by now. No runDueJobs: only the committing process can send it (fails after 2 s).
    await receiver.waitFor(1, 2_000);
    const eventId = await submittedEventId(terminationId);
    const [received] = receiver.received;
    expect(received!.verified).toBe(true);
    expect(received!.headers['webhook-id']).toBe(eventId);
    expect(received!.payload).toMatchObject({ id: eventId, type: 'TERMINATION_SUBMITTED' });

    // The fallback job was queued (due two seconds after the commit) and has not run; the
    // delivery is recorded as sent once.
    const jobs = await server.sql<{ attempts: number; after_ms: number }>(
      `select j.attempts, (extract(epoch from (j.run_at - j.created_at)) * 1000)::float8 as after_ms from graphile_worker.jobs j
        where j.task_identifier = 'webhooks_send' and j.key like 'webhooks_send:%'`,
    );
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(job.attempts).toBe(0);
      expect(job.after_ms).toBeGreaterThan(1_000);
    }
    await expect
      .poll(async () => (await server.sql(`select status, attempts from webhook_delivery where event_id = $1`, [eventId]))[0])
      .toEqual({
        status: 'SUCCEEDED',
        attempts: 1,
      });

    // Running the fallback now finds nothing to claim.
    await server.sql(`update graphile_worker._private_jobs set run_at = now() where key like 'webhooks_send:%'`);
    await server.app.runDueJobs();
    expect(receiver.received).toHaveLength(1);
  });

  it('sends each delivery once while sender jobs run at the same time as the sends on commit', async () => {
    const targets = [await receiverFor(), await receiverFor(), await receiverFor()];
    const submissions = orders.slice(1, 11);
    let submitting = true;
    // Sender jobs due at once, run over and over while the terminations commit: each claims
    // whatever first attempts are claimable, exactly as the sends on commit do.
    const jobsRacing = (async () => {
      let runs = 0;
      while (submitting || runs === 0) {
        await server.sql(`select graphile_worker.add_job('webhooks_send')`);
        await server.app.runDueJobs();
        runs++;
      }
      return runs;
    })();
    const terminationIds = await Promise.all(submissions.map((order) => submitTermination(wf, order, 'racing senders')));
    submitting = false;
    expect(await jobsRacing).toBeGreaterThan(0);
    await server.app.runDueJobs();

    const eventIds = await Promise.all(terminationIds.map(submittedEventId));
    for (const receiver of targets) {
      // Every target subscribed before these events: all of them arrive, each once.
      await receiver.waitFor(eventIds.length, 10_000);
      const ids = receiver.received.map((r) => r.headers['webhook-id']).filter((id) => eventIds.includes(id!));
      expect(ids.sort()).toEqual([...eventIds].sort());
      expect(receiver.received.every((r) => r.verified)).toBe(true);
    }
    const rows = await server.sql<{ status: string; attempts: number }>(
      `select status, attempts from webhook_delivery where event_id = any($1::uuid[])`,
      [eventIds],
    );
    // The earlier test's endpoint is subscribed as well.
    expect(rows).toHaveLength(eventIds.length * 4);
    expect(rows.every((r) => r.status === 'SUCCEEDED' && r.attempts === 1)).toBe(true);
  }, 60_000);
});
