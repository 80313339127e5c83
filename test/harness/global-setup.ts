import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type DatabaseHandle } from '../../server/src/app/database.js';
import { createLogger } from '../../server/src/kernel/logger.js';
import { initOrm, migrate } from '../../server/src/app/orm.js';
import { seedIfEmpty } from '../../server/src/seed/seed.js';
import { adminQuery, withDatabase } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

const TEMPLATE = `ot_template_${process.pid}`;

/**
 * One PostgreSQL for the whole run (embedded unless DATABASE_URL is set), with a migrated,
 * seeded template database that every test file clones into a database of its own.
 */
export default async function setup(project: TestProject) {
  const logger = createLogger('warn');
  let handle: DatabaseHandle;
  let dataDir: string | undefined;
  if (process.env.DATABASE_URL) {
    handle = { url: process.env.DATABASE_URL, embedded: false, stop: async () => undefined };
  } else {
    dataDir = path.resolve('.test-data', `pg-${process.pid}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    handle = await startEmbeddedPostgres(dataDir, logger);
  }
  const adminUrl = withDatabase(handle.url, 'postgres');
  await adminQuery(adminUrl, `drop database if exists ${TEMPLATE}`);
  await adminQuery(adminUrl, `create database ${TEMPLATE}`);
  const orm = await initOrm({ url: withDatabase(handle.url, TEMPLATE) });
  await migrate(orm);
  await seedIfEmpty(orm.em.fork(), logger);
  await orm.close(true);

  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', TEMPLATE);

  return async () => {
    await adminQuery(adminUrl, `drop database if exists ${TEMPLATE}`).catch(() => undefined);
    await handle.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
