import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../harness/process.js';
import { startTestServer, type TestServer } from '../harness/server.js';

/*
 * The sign-in page offers the demo accounts only when the server says they exist: never in
 * production, and only those demo users that still have the demo password. Nothing about them is
 * built into the client.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO_PASSWORD = 'demo1234';
const DEMO_EMAILS = [
  'admin@example.com',
  'clerk@example.com',
  'sales.head@example.com',
  'purchasing.head@example.com',
  'warehouse.head@example.com',
  'finance.head@example.com',
  'gm@example.com',
  'auditor@example.com',
];

const OPTIONS = `{ signInOptions { passwordSignIn demoPassword demoAccounts { email name role department } } }`;

interface Options {
  signInOptions: {
    passwordSignIn: boolean;
    demoPassword: string | null;
    demoAccounts: { email: string; name: string; role: string; department: string | null }[];
  };
}

describe('outside production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('anyone, signed in or not, learns the demo accounts and their password, and they work', async () => {
    const res = await server.gql<Options>(OPTIONS);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const options = res.data!.signInOptions;
    expect(options.passwordSignIn).toBe(true);
    expect(options.demoPassword).toBe(DEMO_PASSWORD);
    expect(options.demoAccounts.map((a) => a.email).sort()).toEqual([...DEMO_EMAILS].sort());
    expect(options.demoAccounts.find((a) => a.email === 'sales.head@example.com')).toMatchObject({
      role: 'DEPT_HEAD',
      department: 'SALES',
    });
    expect(options.demoAccounts.find((a) => a.email === 'admin@example.com')).toMatchObject({ role: 'ADMIN', department: null });
    expect(await server.login('gm@example.com', options.demoPassword!)).toMatch(/\./);
  });

  it('a demo user whose password was changed, or who was deactivated, is no longer offered', async () => {
    const clerk = await server.login('clerk@example.com');
    const changed = await server.gql<{ changePassword: { __typename: string } }>(
      `mutation { changePassword(oldPassword: "demo1234", newPassword: "Clerk-own-passw0rd") { __typename } }`,
      {},
      clerk,
    );
    expect(changed.data?.changePassword.__typename).toBe('User');
    await server.sql(`update app_user set active = false where email = 'finance.head@example.com'`);

    const options = (await server.gql<Options>(OPTIONS)).data!.signInOptions;
    const offered = options.demoAccounts.map((a) => a.email);
    expect(offered).not.toContain('clerk@example.com');
    expect(offered).not.toContain('finance.head@example.com');
    expect(offered).toContain('admin@example.com');
    expect(options.demoPassword).toBe(DEMO_PASSWORD);
  });

  it('without any demo user left, there is neither a list nor a password', async () => {
    await server.sql(`update app_user set password_hash = 'scrypt$16384$8$1$AAAA$AAAA' where email like '%@example.com'`);
    const options = (await server.gql<Options>(OPTIONS)).data!.signInOptions;
    expect(options).toEqual({ passwordSignIn: true, demoPassword: null, demoAccounts: [] });
  });
});

describe('in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The demo users are in this database, with the demo password: production still hides them.
    server = await startTestServer({ env: { NODE_ENV: 'production', DEV_MAILBOX: '1' } });
  });
  afterAll(async () => server?.close());

  it('offers password sign-in and no demo accounts', async () => {
    const res = await server.gql<Options>(OPTIONS);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(res.data!.signInOptions).toEqual({ passwordSignIn: true, demoPassword: null, demoAccounts: [] });
    // They do exist: this is the server's decision, not an empty database.
    expect(await server.login('clerk@example.com', DEMO_PASSWORD)).toMatch(/\./);
  });

  it('the startup banner lists no demo logins', async () => {
    // SEED_DEMO on by mistake in production: the banner still must not advertise demo passwords.
    const proc = await spawnServer({
      NODE_ENV: 'production',
      DEV_MAILBOX: '1',
      DATABASE_URL: server.databaseUrl,
      SEED_DEMO: '1',
      RUN_WORKER: '0',
    });
    try {
      const deadline = Date.now() + 10_000;
      while (!proc.output().includes('is running at') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(proc.output()).toContain('is running at');
      expect(proc.output()).not.toContain(DEMO_PASSWORD);
      for (const email of DEMO_EMAILS) expect(proc.output()).not.toContain(email);
    } finally {
      await proc.stop();
    }
  }, 120_000);
});

describe('the production client bundle', () => {
  it('contains no demo password and no demo e-mail address', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-client-'));
    try {
      // Not with the test runner's environment: NODE_ENV=test would give Vite a development build.
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_ENV$|TEST$|MODE$)/.test(key)));
      await new Promise<void>((resolve, reject) => {
        let log = '';
        const child = spawn('pnpm', ['--filter', 'client', 'exec', 'vite', 'build', '--outDir', outDir, '--emptyOutDir'], {
          cwd: root,
          env: { ...env, NODE_ENV: 'production' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (d) => (log += d));
        child.stderr.on('data', (d) => (log += d));
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`client build failed (${code}):\n${log}`))));
      });
      const files = fs.readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
      const text = files.map((f) => fs.readFileSync(path.join(f.parentPath, f.name), 'utf8')).join('\n');
      expect(
        files.some((f) => f.name.endsWith('.js')),
        'the build produced scripts',
      ).toBe(true);
      // Booleans: a failure must not print the whole bundle.
      expect(text.includes('signInOptions'), 'the bundle asks the server for the sign-in options').toBe(true);
      expect(text.includes(DEMO_PASSWORD), 'the demo password is in the bundle').toBe(false);
      for (const email of DEMO_EMAILS) expect(text.includes(email), `${email} is in the bundle`).toBe(false);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 300_000);
});
