import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, type LiveClient } from '../harness/live.js';
import { startTestServer, type TestServer } from '../harness/server.js';

// A live connection lasts only as long as the credentials it was opened with.

let server: TestServer;
let admin: string;
const clients: LiveClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin@example.com');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

const CHANGED = `subscription { terminationChanged { kind number } }`;

async function newUser(email: string): Promise<string> {
  const res = await server.gql<{ createUser: { __typename: string; id?: string } }>(
    `mutation($i: UserInput!) { createUser(input: $i) { __typename ... on User { id } } }`,
    { i: { email, name: email, role: 'CLERK', password: 'first-Pass-2026' } },
    admin,
  );
  expect(res.data!.createUser.__typename).toBe('User');
  return res.data!.createUser.id!;
}

async function listening(token: string): Promise<LiveClient> {
  const client = liveClient(server.url, `Bearer ${token}`);
  clients.push(client);
  await client.subscribe(CHANGED);
  return client;
}

/** The close code, or 'open' when the socket is still open after `ms` (a positive check follows). */
async function closeCode(client: LiveClient, ms = 1_000): Promise<number | 'open'> {
  return Promise.race([client.closed, new Promise<'open'>((r) => setTimeout(() => r('open'), ms))]);
}

describe('live connections end with their credentials', () => {
  it('signing out closes that session’s sockets, not the user’s other sessions', async () => {
    await newUser('live.logout@example.com');
    const first = await server.login('live.logout@example.com', 'first-Pass-2026');
    const second = await server.login('live.logout@example.com', 'first-Pass-2026');
    const a = await listening(first);
    const b = await listening(second);
    expect((await server.gql<{ logout: boolean }>('mutation { logout }', {}, first)).data!.logout).toBe(true);
    expect(await closeCode(a, 5_000)).toBe(4401);
    expect(await closeCode(b)).toBe('open');
    // The other session still works, over HTTP and on its socket.
    expect((await server.gql(`{ me { email } }`, {}, second)).errors).toBeUndefined();
  });

  it('changing the password closes the other sessions’ sockets and keeps the one that changed it', async () => {
    await newUser('live.password@example.com');
    const mine = await server.login('live.password@example.com', 'first-Pass-2026');
    const other = await server.login('live.password@example.com', 'first-Pass-2026');
    const kept = await listening(mine);
    const ended = await listening(other);
    const res = await server.gql<{ changePassword: { __typename: string } }>(
      `mutation { changePassword(oldPassword: "first-Pass-2026", newPassword: "second-Pass-2026") { __typename } }`,
      {},
      mine,
    );
    expect(res.data!.changePassword.__typename).toBe('User');
    expect(await closeCode(ended, 5_000)).toBe(4401);
    expect(await closeCode(kept)).toBe('open');
  });

  it('deactivating a user closes every socket of theirs', async () => {
    const id = await newUser('live.deactivated@example.com');
    const socket = await listening(await server.login('live.deactivated@example.com', 'first-Pass-2026'));
    const res = await server.gql<{ updateUser: { __typename: string } }>(
      `mutation($id: ID!, $i: UserInput!) { updateUser(id: $id, input: $i) { __typename } }`,
      { id, i: { name: 'gone', role: 'CLERK', active: false } },
      admin,
    );
    expect(res.data!.updateUser.__typename).toBe('User');
    expect(await closeCode(socket, 5_000)).toBe(4401);
  });

  it('revoking an API key closes the sockets opened with it', async () => {
    const created = await server.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(input: { name: "live key", scopes: [TERMINATIONS_READ, EVENTS_SUBSCRIBE] }) { ... on CreateApiKeySuccess { secret apiKey { id } } } }`,
      {},
      admin,
    );
    const { secret, apiKey } = created.data!.createApiKey;
    const socket = await listening(secret);
    await server.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`, { id: apiKey.id }, admin);
    expect(await closeCode(socket, 5_000)).toBe(4401);
  });

  it('a new role applies to the very next request, and the user’s live connections are closed to reconnect with it', async () => {
    const id = await newUser('live.promoted@example.com');
    const token = await server.login('live.promoted@example.com', 'first-Pass-2026');
    const socket = await listening(token);
    const asClerk = await server.gql(`{ users { id } }`, {}, token);
    expect(asClerk.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(asClerk.errors?.[0]?.path).toEqual(['users']);
    const res = await server.gql<{ updateUser: { __typename: string } }>(
      `mutation($id: ID!, $i: UserInput!) { updateUser(id: $id, input: $i) { __typename } }`,
      { id, i: { name: 'promoted', role: 'ADMIN' } },
      admin,
    );
    expect(res.data!.updateUser.__typename).toBe('User');
    // The same token, verified moments ago as a clerk, now carries the new role.
    const asAdmin = await server.gql<{ users: unknown[] }>(`{ users { id } }`, {}, token);
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data!.users.length).toBeGreaterThan(0);
    expect(await closeCode(socket, 5_000)).toBe(4401);
  });
});
