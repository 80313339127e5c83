import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Most statement shapes prepared per connection; shapes beyond it run unprepared (still parameterized). */
const MAX_PREPARED_SHAPES = 200;
const preparedNames = new Map<string, string>();

interface PgClient {
  query<R>(config: { name?: string; text: string; values: readonly unknown[] }): Promise<{ rows: R[] }>;
}
interface KnexClient {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<void>;
  emit(event: 'query', data: { sql: string; bindings: readonly unknown[] }): void;
}

/**
 * Runs a read-only statement with `$n` parameters as a named prepared statement on a pooled
 * connection, outside any transaction: PostgreSQL parses and plans each statement shape once per
 * connection instead of on every request (hot list queries). The shapes come from our code (the
 * selection decides which columns and relations), never from text a client sent; they are capped
 * so that odd selections cannot grow every connection's statement cache without bound.
 */
export async function queryPrepared<R>(em: EntityManager, text: string, values: readonly unknown[]): Promise<R[]> {
  const client = em.getConnection().getKnex().client as unknown as KnexClient;
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < MAX_PREPARED_SHAPES) {
    name = `ot_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    preparedNames.set(text, name);
  }
  // Announced like every statement MikroORM sends, so query logs and statement counts see it.
  client.emit('query', { sql: text, bindings: values });
  const connection = await client.acquireConnection();
  try {
    const result = await connection.query<R>(name ? { name, text, values } : { text, values });
    return result.rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
