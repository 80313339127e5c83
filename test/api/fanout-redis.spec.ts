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

  it('a key revoked through instance A is refused at once by instance B, which had just verified it', async () => {
    const admin = await a.login('admin@example.com');
    const created = await a.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(input: { name: "cross-instance", scopes: [TERMINATIONS_READ] }) { ... on CreateApiKeySuccess { secret apiKey { id } } } }`,
      {},
      admin,
    );
    const { secret, apiKey } = created.data!.createApiKey;
    const viaB = () =>
      httpClient(b.url).gql<{ terminations: { totalCount: number } }>(`{ terminations(first: 1) { totalCount } }`, {}, secret);
    // B verifies the key and keeps it for a few seconds.
    expect((await viaB()).errors).toBeUndefined();
    const revoked = await a.gql<{ revokeApiKey: { __typename: string } }>(
      `mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`,
      { id: apiKey.id },
      admin,
    );
    expect(revoked.data!.revokeApiKey.__typename).toBe('ApiKey');
    // The revocation travels through Redis; B answers UNAUTHENTICATED well before its cache would expire.
    const deadline = Date.now() + 2_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = (await viaB()).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED';
      if (!refused) await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused).toBe(true);
  });
});
