import { DEPARTMENTS } from '@ot/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminQuery, withDatabase } from '../harness/database.js';
import { runCompiledCli } from '../harness/process.js';
import { startTestServer, type TestServer } from '../harness/server.js';

/*
 * The first start of a production installation on an empty external PostgreSQL, with the compiled
 * CLI as an operator runs it: `migrate` brings the standard departments (and no user), and
 * `create-admin` the one administrator who then creates everybody else in the application.
 */

const EMAIL = 'it.admin@corp.example';
const PASSWORD = 'First-start-passw0rd';

let database: string;
let env: Record<string, string>;
let server: TestServer | undefined;

async function rows<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}
const users = () =>
  rows<{ email: string; role: string; password_hash: string }>(`select email, role, password_hash from app_user order by email`);

beforeAll(async () => {
  const adminUrl = inject('adminDatabaseUrl');
  database = `ot_first_${process.pid}_${Date.now()}`;
  await adminQuery(adminUrl, `create database ${database}`);
  env = { DATABASE_URL: withDatabase(adminUrl, database), SEED_DEMO: '0' };
});
afterAll(async () => {
  await server?.close();
  if (database) await adminQuery(inject('adminDatabaseUrl'), `drop database if exists ${database} with (force)`);
});

describe('first start: migrate, then create-admin', () => {
  it('migrate creates the standard departments and no user', async () => {
    const migrated = await runCompiledCli(['migrate'], { ...env, LOG_LEVEL: 'info' });
    expect(migrated.code, migrated.output).toBe(0);
    // Log collectors read JSON lines: the migrator's own messages too, not coloured text beside them.
    const lines = migrated.output.split('\n').filter((line) => line.trim());
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(
      messages.filter((msg) => /\[migrator\] Applied 'Migration\d+_StandardDepartments'/.test(msg)),
      JSON.stringify(messages.slice(-4)),
    ).toHaveLength(1);
    const departments = await rows<{ code: string }>(`select code from department order by code`);
    expect(departments.map((d) => d.code)).toEqual([...DEPARTMENTS].sort());
    expect(await users()).toEqual([]);
  }, 180_000);

  it('refuses bad input with exit code 2 and creates nobody', async () => {
    const weak = await runCompiledCli(['create-admin', '--email', EMAIL, '--name', 'IT'], { ...env, ADMIN_PASSWORD: 'short1' });
    expect(weak.code).toBe(2);
    expect(weak.output).toContain('Password refused: Use at least');
    const noDigits = await runCompiledCli(['create-admin', '--email', EMAIL, '--name', 'IT'], env, 'onlyletterslong\n');
    expect(noDigits.code).toBe(2);
    expect(noDigits.output).toContain('Use letters and digits');
    const asArgument = await runCompiledCli(['create-admin', '--email', EMAIL, '--name', 'IT', '--password', PASSWORD], env);
    expect(asArgument.code).toBe(2);
    expect(asArgument.output).toContain('never as an argument');
    const badEmail = await runCompiledCli(['create-admin', '--email', 'not-an-address', '--name', 'IT'], {
      ...env,
      ADMIN_PASSWORD: PASSWORD,
    });
    expect(badEmail.code).toBe(2);
    const noName = await runCompiledCli(['create-admin', '--email', EMAIL], { ...env, ADMIN_PASSWORD: PASSWORD });
    expect(noName.code).toBe(2);
    expect(noName.output).toContain('usage: create-admin');
    expect(await users()).toEqual([]);
  }, 120_000);

  it('creates the administrator from a password on stdin, audited, and a second run with the e-mail refuses and changes nothing', async () => {
    const created = await runCompiledCli(['create-admin', '--email', EMAIL, '--name', 'IT department'], env, `${PASSWORD}\n`);
    expect(created.code, created.output).toBe(0);
    expect(created.output).toContain(`administrator ${EMAIL} created`);
    const [admin, ...others] = await users();
    expect(others).toEqual([]);
    expect(admin).toMatchObject({ email: EMAIL, role: 'ADMIN' });
    expect(admin!.password_hash).toMatch(/^scrypt\$/);
    const audit = await rows(`select actor_type, action, data from audit_event where action = 'user.created'`);
    expect(audit).toEqual([{ actor_type: 'SYSTEM', action: 'user.created', data: { email: EMAIL, role: 'ADMIN', department: null } }]);

    const again = await runCompiledCli(['create-admin', '--email', EMAIL.toUpperCase(), '--name', 'Someone else'], {
      ...env,
      ADMIN_PASSWORD: 'Another-passw0rd',
    });
    expect(again.code).toBe(1);
    expect(again.output).toContain('exists already; nothing changed');
    expect(await users()).toEqual([admin]);
  }, 120_000);

  it('the administrator signs in and creates a department head in one of the migrated departments', async () => {
    server = await startTestServer({ databaseUrl: env.DATABASE_URL });
    const signIn = await server.gql<{ login: { __typename: string; user: { role: string } } }>(
      `mutation($e:String!,$p:String!){ login(email:$e,password:$p){ __typename ... on LoginSuccess { user { role } } } }`,
      { e: EMAIL, p: PASSWORD },
    );
    expect(signIn.data?.login).toEqual({ __typename: 'LoginSuccess', user: { role: 'ADMIN' } });
    const token = await server.login(EMAIL, PASSWORD);
    const head = await server.gql<{ createUser: { __typename: string; department?: { code: string } } }>(
      `mutation($input: UserInput!) { createUser(input: $input) { __typename ... on User { department { code } } ... on ErrorResult { message } } }`,
      { input: { email: 'sales.head@corp.example', name: 'Sales head', role: 'DEPT_HEAD', department: 'SALES', password: PASSWORD } },
      token,
    );
    expect(head.data?.createUser, JSON.stringify(head)).toEqual({ __typename: 'User', department: { code: 'SALES' } });
  }, 120_000);

  it('the demo seed leaves the database alone once it has users, though it has no orders', async () => {
    const seeded = await runCompiledCli(['seed'], env);
    expect(seeded.code, seeded.output).toBe(0);
    expect((await users()).map((u) => u.email)).toEqual([EMAIL, 'sales.head@corp.example']);
    expect(await rows(`select count(*)::int as n from sales_order`)).toEqual([{ n: 0 }]);
  }, 120_000);
});
