import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServerBuilt, spawnCompiled } from '../harness/process.js';
import { MODES, startServerIn, type ApiServer } from '../harness/production-server.js';
import { TEST_SECRETS_KEY } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

/*
 * Managing webhook endpoints: who may, what is validated when saving (URL, SSRF, event types,
 * payload document), and what happens to the signing secret (shown once, sealed at rest).
 */

const RESULT = `__typename ... on ErrorResult { code message } ... on InputError { field }`;
const ENDPOINT = `id url kind description eventTypes payloadQuery enabled disabledReason secretHint ownerName failingSince lastDeliveryAt`;
const CREATE = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { ${RESULT}
  ... on CreateWebhookEndpointSuccess { secret endpoint { ${ENDPOINT} } } } }`;
const UPDATE = `mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { ${RESULT}
  ... on UpdateWebhookEndpointSuccess { endpoint { ${ENDPOINT} } } } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { ${RESULT} ... on RotateWebhookSecretSuccess { secret endpoint { secretHint } } } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { __typename ... on ErrorResult { code message } ... on DeleteWebhookEndpointSuccess { id } } }`;
const LIST = `{ webhookEndpoints { id url ownerName } }`;

interface Created {
  __typename: string;
  code?: string;
  message?: string;
  field?: string;
  secret?: string | null;
  endpoint?: { id: string; url: string; secretHint: string | null; ownerName: string; eventTypes: string[]; enabled: boolean };
}

/* In-process and as the compiled production process (NODE_ENV=production): the same answers. */
describe.each(MODES)('webhook endpoints: management (%s server)', (mode) => {
  let server: ApiServer;
  let wf: Workflow;
  let admin: string;
  let partnerKey: string;
  let otherKey: string;
  let readOnlyManager: string;

  async function createKey(name: string, scopes: string[]): Promise<string> {
    const data = await wf.as<{ createApiKey: { secret: string } }>(
      'admin@example.com',
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ... on CreateApiKeySuccess { secret } } }`,
      { i: { name, scopes } },
    );
    return data.createApiKey.secret;
  }

  async function create(input: Record<string, unknown>, token = admin): Promise<Created> {
    const res = await server.gql<{ createWebhookEndpoint: Created }>(CREATE, { i: input }, token);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!.createWebhookEndpoint;
  }

  beforeAll(async () => {
    // Only the receivers of the allow-listed port are reachable; everything else goes through the guard.
    server = await startServerIn(mode, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1:9, allowed.invalid' });
    wf = new Workflow(server);
    admin = await wf.token('admin@example.com');
    partnerKey = await createKey('WMS', ['WEBHOOKS_MANAGE', 'TERMINATIONS_READ', 'EVENTS_SUBSCRIBE']);
    otherKey = await createKey('Finance system', ['WEBHOOKS_MANAGE', 'TERMINATIONS_READ', 'EVENTS_SUBSCRIBE']);
    readOnlyManager = await createKey('Manager without reading', ['WEBHOOKS_MANAGE']);
  }, 180_000); // the production process may first need server/dist built
  afterAll(async () => server?.close());

  it('creates an endpoint, showing its whsec_ secret once and keeping it only sealed', async () => {
    const created = await create({ url: 'http://127.0.0.1:9/hook', eventTypes: ['TERMINATION_EFFECTIVE'], description: ' ERP ' });
    expect(created.__typename).toBe('CreateWebhookEndpointSuccess');
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(created.secret!.slice(6), 'base64')).toHaveLength(24);
    expect(created.endpoint).toMatchObject({ url: 'http://127.0.0.1:9/hook', eventTypes: ['TERMINATION_EFFECTIVE'], enabled: true });
    expect(created.endpoint!.secretHint).toBe(`…${created.secret!.slice(-4)}`);
    expect(created.endpoint!.ownerName).toBe('系统管理员');

    // Not readable back: no field of the endpoint carries it, and the row holds only sealed text.
    const listed = await server.gql(`{ webhookEndpoints { ${ENDPOINT} } }`, {}, admin);
    expect(JSON.stringify(listed)).not.toContain(created.secret!.slice(6));
    const [row] = await server.sql<Record<string, unknown>>(`select * from webhook_endpoint where id = $1`, [created.endpoint!.id]);
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(created.secret!);
    expect(raw).not.toContain(created.secret!.slice(6));
    expect(String(row!.secret_sealed)).toMatch(/^v1\./);
    // …and it opens with the server's key (AES-256-GCM bound to the endpoint), to the secret shown.
    const { SecretBox, parseSecretsKey } = await import('../../server/src/common/secret-box.js');
    const box = SecretBox.fromKey(parseSecretsKey(TEST_SECRETS_KEY));
    expect(box.open(String(row!.secret_sealed), `webhook-secret:${created.endpoint!.id}`)).toBe(created.secret);
    expect(() => box.open(String(row!.secret_sealed), 'webhook-secret:another')).toThrow();
  });

  it('replays a create with the same idempotency key, secret included; other input with it is refused', async () => {
    const input = { url: 'http://127.0.0.1:9/idem', eventTypes: ['TERMINATION_SUBMITTED'], idempotencyKey: 'hook-idem-1' };
    const first = await create(input);
    const again = await create(input);
    expect(again.endpoint!.id).toBe(first.endpoint!.id);
    expect(again.secret).toBe(first.secret);
    const other = await create({ ...input, url: 'http://127.0.0.1:9/other' });
    expect(other.__typename).toBe('IdempotencyKeyReusedError');
    const [{ n }] = await server.sql<{ n: string }>(`select count(*)::text as n from webhook_endpoint where url like '%/idem'`);
    expect(n).toBe('1');
  });

  it('rotates the secret: a new one, shown once, the old one gone', async () => {
    const created = await create({ url: 'http://127.0.0.1:9/rotate', eventTypes: ['TERMINATION_EFFECTIVE'] });
    const res = await server.gql<{ rotateWebhookSecret: { secret: string; endpoint: { secretHint: string } } }>(
      ROTATE,
      { id: created.endpoint!.id },
      admin,
    );
    const rotated = res.data!.rotateWebhookSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.endpoint.secretHint).toBe(`…${rotated.secret.slice(-4)}`);
  });

  it('refuses bad input with InputError and writes nothing', async () => {
    const before = await server.sql<{ n: string }>(`select count(*)::text as n from webhook_endpoint`);
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://127.0.0.1:9/x', eventTypes: ['TERMINATION_EFFECTIVE'] }, 'url'],
      [{ url: 'not a url', eventTypes: ['TERMINATION_EFFECTIVE'] }, 'url'],
      [{ url: `http://127.0.0.1:9/${'x'.repeat(2000)}`, eventTypes: ['TERMINATION_EFFECTIVE'] }, 'url'],
      [{ url: 'http://user:pw@127.0.0.1:9/x', eventTypes: ['TERMINATION_EFFECTIVE'] }, 'url'],
      [{ url: 'http://127.0.0.1:9/x', eventTypes: [] }, 'eventTypes'],
      [{ url: 'http://127.0.0.1:9/x', eventTypes: ['TERMINATION_EFFECTIVE'], payloadQuery: 'query { me { id } }' }, 'payloadQuery'],
      [{ url: 'http://127.0.0.1:9/x', eventTypes: ['TERMINATION_EFFECTIVE'], signingSecret: 'whsec_mine' }, 'signingSecret'],
    ];
    for (const [input, field] of cases) {
      const result = await create(input);
      expect(result, JSON.stringify(input)).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED', field });
    }
    expect(await server.sql(`select count(*)::text as n from webhook_endpoint`)).toEqual(before);
  });

  it('refuses private, loopback, link-local and metadata addresses at save unless allow-listed', async () => {
    for (const url of [
      'http://127.0.0.1/hook',
      'http://127.0.0.1:8080/hook',
      'https://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[fd00:ec2::254]/hook',
      'http://100.100.100.200/hook',
      'http://0.0.0.0/hook',
      'http://localhost:9/hook', // a name that resolves to loopback; only 127.0.0.1:9 is listed
      'http://host.that.does.not.exist.invalid/hook',
    ]) {
      const result = await create({ url, eventTypes: ['TERMINATION_EFFECTIVE'] });
      expect(result, url).toMatchObject({ __typename: 'InputError', field: 'url' });
    }
    // Allow-listed: host:port, or a host with any port.
    expect((await create({ url: 'http://127.0.0.1:9/ok', eventTypes: ['TERMINATION_EFFECTIVE'] })).__typename).toBe(
      'CreateWebhookEndpointSuccess',
    );
  });

  it('a key with WEBHOOKS_MANAGE sees and edits only its own endpoints', async () => {
    const mine = await create({ url: 'http://127.0.0.1:9/wms', eventTypes: ['TERMINATION_EFFECTIVE'] }, partnerKey);
    expect(mine.__typename).toBe('CreateWebhookEndpointSuccess');
    expect(mine.endpoint!.ownerName).toMatch(/^API key WMS \(/);
    const theirs = await create({ url: 'http://127.0.0.1:9/finance', eventTypes: ['TERMINATION_EFFECTIVE'] }, otherKey);

    const list = await server.gql<{ webhookEndpoints: { id: string }[] }>(LIST, {}, partnerKey);
    expect(list.data!.webhookEndpoints.map((e) => e.id)).toEqual([mine.endpoint!.id]);
    // The admin sees both.
    const all = await server.gql<{ webhookEndpoints: { id: string }[] }>(LIST, {}, admin);
    expect(all.data!.webhookEndpoints.map((e) => e.id)).toEqual(expect.arrayContaining([mine.endpoint!.id, theirs.endpoint!.id]));

    const foreign = theirs.endpoint!.id;
    const update = await server.gql<{ updateWebhookEndpoint: Created }>(
      UPDATE,
      { i: { id: foreign, description: 'mine now' } },
      partnerKey,
    );
    expect(update.data!.updateWebhookEndpoint.__typename).toBe('NotFoundError');
    const rotate = await server.gql<{ rotateWebhookSecret: Created }>(ROTATE, { id: foreign }, partnerKey);
    expect(rotate.data!.rotateWebhookSecret.__typename).toBe('NotFoundError');
    const del = await server.gql<{ deleteWebhookEndpoint: Created }>(DELETE, { id: foreign }, partnerKey);
    expect(del.data!.deleteWebhookEndpoint.__typename).toBe('NotFoundError');
    const deliveries = await server.gql<{ webhookDeliveries: { edges: unknown[] } }>(
      `query($id: ID!) { webhookDeliveries(endpointId: $id) { edges { node { id } } } }`,
      { id: foreign },
      partnerKey,
    );
    expect(deliveries.data!.webhookDeliveries.edges).toEqual([]);
    const [row] = await server.sql<{ description: string }>(`select description from webhook_endpoint where id = $1`, [foreign]);
    expect(row!.description).toBe('');

    // Its own: edited and deleted.
    const own = await server.gql<{ updateWebhookEndpoint: Created }>(
      UPDATE,
      { i: { id: mine.endpoint!.id, description: 'stock releases', enabled: false } },
      partnerKey,
    );
    expect(own.data!.updateWebhookEndpoint).toMatchObject({ __typename: 'UpdateWebhookEndpointSuccess', endpoint: { enabled: false } });
    const gone = await server.gql<{ deleteWebhookEndpoint: { id: string } }>(DELETE, { id: mine.endpoint!.id }, partnerKey);
    expect(gone.data!.deleteWebhookEndpoint.id).toBe(mine.endpoint!.id);
  });

  it('refuses a payload document that selects what the owner may not read, or that is not a payload document', async () => {
    const selectsTermination = `subscription { event { sequence ... on TerminationEffective { termination { number } } } }`;
    const blind = await create(
      { url: 'http://127.0.0.1:9/doc', eventTypes: ['TERMINATION_EFFECTIVE'], payloadQuery: selectsTermination },
      readOnlyManager,
    );
    expect(blind).toMatchObject({ __typename: 'InputError', field: 'payloadQuery', message: expect.stringMatching(/TERMINATIONS_READ/) });
    for (const payloadQuery of ['subscription { event { nope } }', 'query { me { name } }', 'subscription { event { sequence } ']) {
      const bad = await create({ url: 'http://127.0.0.1:9/doc', eventTypes: ['TERMINATION_EFFECTIVE'], payloadQuery });
      expect(bad, payloadQuery).toMatchObject({ __typename: 'InputError', field: 'payloadQuery' });
    }
    const ok = await create(
      { url: 'http://127.0.0.1:9/doc', eventTypes: ['TERMINATION_EFFECTIVE'], payloadQuery: selectsTermination },
      partnerKey,
    );
    expect(ok.__typename).toBe('CreateWebhookEndpointSuccess');
  });

  it('refuses event types the owner may not read', async () => {
    const result = await create({ url: 'http://127.0.0.1:9/blind', eventTypes: ['TERMINATION_EFFECTIVE'] }, readOnlyManager);
    expect(result).toMatchObject({ __typename: 'InputError', field: 'eventTypes' });
  });

  it('refuses users who are not admins, and keys without WEBHOOKS_MANAGE', async () => {
    const clerk = await wf.token('clerk@example.com');
    const readerKey = await createKey('Reader', ['TERMINATIONS_READ', 'EVENTS_SUBSCRIBE']);
    for (const token of [clerk, await wf.token('auditor@example.com'), readerKey]) {
      const list = await server.gql(LIST, {}, token);
      expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const res = await server.gql(CREATE, { i: { url: 'http://127.0.0.1:9/x', eventTypes: ['TERMINATION_EFFECTIVE'] } }, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const anonymous = await server.gql(LIST);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('SECRETS_KEY in production', () => {
  it('a production server without SECRETS_KEY, or with a malformed one, refuses to start, saying why', async () => {
    ensureServerBuilt();
    const server = await startServerIn('development');
    try {
      for (const [key, message] of [
        ['', /NODE_ENV=production needs SECRETS_KEY/],
        ['too-short', /SECRETS_KEY must be 32 random bytes/],
      ] as const) {
        const outcome = await spawnCompiled('start', { DATABASE_URL: server.databaseUrl, DEV_MAILBOX: '1', SECRETS_KEY: key }).then(
          (started) => {
            started.child.kill('SIGKILL');
            return 'started';
          },
          (error: Error) => error.message,
        );
        expect(outcome).toMatch(message);
        expect(outcome).not.toMatch(/\n\s+at /); // a clear message, no stack trace
      }
    } finally {
      await server.close();
    }
  }, 120_000);
});
