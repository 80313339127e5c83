import { stripVTControlCharacters } from 'node:util';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { MIGRATIONS } from '../migrations/index.js';
import { ENTITIES } from './entities.js';
import type { Logger } from '../kernel/logger.js';

export interface OrmOptions {
  url: string;
  logger?: Logger;
  /** Called with every SQL statement: tests count statements per request with it. */
  onQuery?: (sql: string) => void;
  poolMax?: number;
}

export function ormConfig(opts: OrmOptions): Options {
  return {
    clientUrl: opts.url,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    // Missing is never silently null: relations must be loaded on purpose.
    forceUndefined: false,
    allowGlobalContext: false,
    pool: { min: 0, max: opts.poolMax ?? 10 },
    // No statement may run away with the database.
    driverOptions: { connection: { statement_timeout: 15_000 } },
    debug: false,
    // What MikroORM itself says (the migrator's "Applied …" lines) goes into the JSON log, not onto
    // stdout as coloured text that log collectors cannot parse. Colour codes are stripped as well:
    // MIKRO_ORM_COLORS in the environment overrides `colors`.
    ...(opts.logger ? { colors: false, logger: (message: string) => opts.logger!.info(stripVTControlCharacters(message)) } : {}),
    // Rows of one table written by one flush go in statements of up to this many: a sync call
    // (500 orders with their lines) writes each table in one statement, not one per 300 rows.
    batchSize: 1000,
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
  };
}

export async function initOrm(opts: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(opts));
  // Counted at the driver: every statement that reaches PostgreSQL, however it was built.
  if (opts.onQuery) orm.em.getKnex().client.on('query', (query: { sql: string }) => opts.onQuery!(query.sql));
  return orm;
}

export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
