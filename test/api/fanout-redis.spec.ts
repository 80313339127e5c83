import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, type LiveClient } from '../harness/live.js';
import { spawnServer, type ServerProcess } from '../harness/process.js';
import { httpClient, startTestServer, type TestServer } from '../harness/server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.log('fan-out across instances: skipped because REDIS_URL is not set (CI sets it)');

describe.skipIf(!REDIS_URL)('two API instances sharing events through Redis', () => {
  let a: TestServer;
  let b: ServerProcess;
  let client: LiveClient;
  beforeAll(async () => {
    a = await startTestServer({ env: { REDIS_URL: REDIS_URL! } });
    // Instance B is another OS process on the same database and Redis.
    b = await spawnServer({ DATABASE_URL: a.databaseUrl, REDIS_URL: REDIS_URL!, RUN_WORKER: '0' });
  });
  afterAll(async () => {
    await client?.dispose();
    await b?.stop();
    await a?.close();
  });

  it('a board subscriber on instance A receives an approval made through instance B', async () => {
    const wfB = new Workflow(httpClient(b.url));
    client = liveClient(a.url, `Bearer ${await a.login(HEAD_OF.SALES!)}`);
    const board = await client.subscribe<{ kind: string; terminationId: string; stepId: string | null; at: string }>(
      `subscription { approvalBoardChanged(department: "SALES") { kind terminationId stepId at } }`,
    );
    const t = (
      await wfB.submit('clerk@example.com', {
        orderNumber: 'SO-2026-00002',
        reasonCode: 'SUPPLY_UNAVAILABLE',
        explanation: 'redis fan-out',
      })
    ).termination!;
    const step = t.approvalSteps.find((s) => s.department === 'SALES')!;
    const sentAt = Date.now();
    await wfB.decide(HEAD_OF.SALES!, step.id, 'APPROVE');
    const event = await board.next((e) => e.stepId === step.id && e.kind === 'approval.approved');
    const delay = Date.now() - sentAt;
    console.log(`approval via B seen on A after ${delay} ms (mutation round trip included)`);
    expect(event.terminationId).toBe(t.id);
    expect(board.events.some((e) => e.terminationId === t.id && e.kind === 'termination.submitted')).toBe(true);
  });
});
