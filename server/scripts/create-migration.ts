/**
 * Developer tool: diffs the entities against a scratch database that has all committed
 * migrations applied and writes the difference as a new migration in src/migrations.
 * Usage: DATABASE_URL=postgres://…/scratch pnpm tsx scripts/create-migration.ts Name
 */
import 'reflect-metadata';
import { ensureDatabase } from '../src/app/database.js';
import { initOrm, migrate } from '../src/app/orm.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
await ensureDatabase(url);
const orm = await initOrm({ url });
const base = orm.config.get('migrations');
orm.config.set('migrations', {
  ...base,
  path: new URL('../src/migrations', import.meta.url).pathname,
  emit: 'ts',
  fileName: (ts: string, name?: string) => `Migration${ts}${name ? '_' + name : ''}`,
});
await orm.schema.execute('create extension if not exists pg_trgm');
await migrate(orm);
const result = await orm.getMigrator().createMigration(undefined, false, false, process.argv[2]);
console.log(result.fileName || 'no changes');
await orm.close();
