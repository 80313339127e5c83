import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, startServerIn, type ApiServer } from '../harness/production-server.js';

// The in-process server and the production process (node server/dist/main.js, NODE_ENV=production).
describe.each(MODES)('http endpoints (%s)', (mode) => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await startServerIn(mode);
  }, 90_000);
  afterAll(async () => server?.close());

  it('healthz and readyz report up and ready', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('answers malformed JSON with a 400 and no stack trace', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses bodies over 1 MB with 413', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ me { email } }`, variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(res.status).toBe(413);
  });

  it('refuses batched requests', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ me { email } }' }, { query: '{ me { email } }' }]),
    });
    expect(res.status).toBe(400);
  });

  it('serves a self-hosted GraphiQL: page, scripts and styles from this server, no inline script', async () => {
    const page = await fetch(`${server.url}/graphiql`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).not.toMatch(/<script>(?!<\/script>)|https?:\/\//);
    for (const asset of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css', 'init.js']) {
      const res = await fetch(`${server.url}/graphiql/assets/${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('content-type'), asset).toMatch(asset.endsWith('.css') ? /text\/css/ : /javascript/);
    }
    expect((await fetch(`${server.url}/graphiql/assets/../package.json`)).status).not.toBe(200);
  });

  it('gives every response a request id and puts it on errors', async () => {
    const res = await server.gql(`{ me { email } }`);
    expect(res.errors?.[0]?.extensions?.requestId).toMatch(/[\w-]{8,}/);
  });

  it('reports unknown fields as validation errors without internals', async () => {
    const token = await server.login('clerk@example.com');
    const res = await server.gql(`{ orders { nope } }`, {}, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|node_modules/);
  });

  it('answers an anonymous query 401 UNAUTHENTICATED, not 500', async () => {
    const res = await server.gql(`{ me { id } }`);
    expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res)).toBe('UNAUTHENTICATED');
    expect(res.status).toBe(401);
  });

  it('answers BAD_USER_INPUT with 400 (orders(first: 0))', async () => {
    const token = await server.login('clerk@example.com');
    const res = await server.gql(`{ orders(first: 0) { totalCount } }`, {}, token);
    expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res)).toBe('BAD_USER_INPUT');
    expect(res.status).toBe(400);
  });
});
