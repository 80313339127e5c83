import pg from 'pg';
import { startApp, type RunningApp } from '../../server/src/app/app.js';
import { loadConfig } from '../../server/src/app/config.js';
import type { EventSubscriber } from '../../server/src/kernel/domain-events.js';
import { createLogger } from '../../server/src/kernel/logger.js';
import { cloneTemplateDatabase, type ClonedDatabase } from './database.js';

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
}

export interface TestServer {
  app: RunningApp;
  url: string;
  databaseUrl: string;
  /** Direct SQL for checking what the API did (never for doing it). */
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResponse<T>>;
  login(email: string, password?: string): Promise<string>;
  /** SQL statements issued while `fn` runs. */
  countQueries(fn: () => Promise<unknown>): Promise<{ count: number; statements: string[] }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Reuse an existing database instead of cloning the template (e.g. a second instance). */
  databaseUrl?: string;
  /** Event subscribers beyond the product's own, as an embedding would add them. */
  subscribers?: readonly EventSubscriber[];
}

/**
 * The key that encrypts stored webhook secrets in every server the tests start (production mode
 * refuses to start without one; all instances on one database must share it).
 */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

/** Starts the real server (HTTP + WebSocket) on a fresh copy of the seeded template database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const owned: ClonedDatabase | null = options.databaseUrl ? null : await cloneTemplateDatabase('ot_t');
  const databaseUrl = options.databaseUrl ?? owned!.url;

  let recording: string[] | null = null;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    SEED_DEMO: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RUN_WORKER: '0',
    SECRETS_KEY: TEST_SECRETS_KEY,
    ...options.env,
  });
  const app = await startApp(config, {
    subscribers: options.subscribers,
    logger: createLogger(config.logLevel),
    onQuery: (message) => {
      if (recording && !/^(begin|commit|rollback|savepoint|release)/i.test(message.trim())) recording.push(message);
    },
  });
  const url = `http://127.0.0.1:${app.http.port}`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // pool.end() resolves before its sockets close; a database dropped right after terminates them,
  // and the pool re-emits that as an 'error' event that nobody waits for any more.
  pool.on('error', () => undefined);

  return {
    ...httpClient(url),
    app,
    databaseUrl,
    sql: async (text, params) => (await pool.query(text, params)).rows,
    countQueries: async (fn) => {
      recording = [];
      try {
        await fn();
        return { count: recording.length, statements: recording };
      } finally {
        recording = null;
      }
    },
    close: async () => {
      await pool.end();
      await app.close();
      await owned?.drop();
    },
  };
}

/** GraphQL over HTTP against any running instance, as a partner system would call it. */
export function httpClient(url: string): Pick<TestServer, 'url' | 'gql' | 'login'> {
  const gql: TestServer['gql'] = async (query, variables, token) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GqlResponse, 'status'>;
    return { status: res.status, ...body } as never;
  };
  return {
    url,
    gql,
    login: async (email, password = 'demo1234') => {
      const res = await gql<{ login: { token?: string; code?: string } }>(
        `mutation($e:String!,$p:String!){ login(email:$e,password:$p){ ... on LoginSuccess { token } ... on ErrorResult { code } } }`,
        { e: email, p: password },
      );
      const token = res.data?.login.token;
      if (!token) throw new Error(`login failed for ${email}: ${JSON.stringify(res)}`);
      return token;
    },
  };
}
