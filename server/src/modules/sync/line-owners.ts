import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnySyncedEntity as SyncedEntity } from '../../common/synced.entity.js';
import type { RowError } from './sync-validation.js';

interface SentLines {
  lines?: { externalId: string }[] | null;
}

/**
 * Which stored parent (order, purchase order) holds each line external id the call sends, by
 * external id: one statement for every row of a kind.
 */
export async function lineOwners(
  em: EntityManager,
  entity: new (...args: never[]) => SyncedEntity,
  parent: string,
  source: string,
  rows: { row: SentLines }[],
): Promise<Map<string, string>> {
  const ids = rows.flatMap(({ row }) => (row.lines ?? []).map((l) => l.externalId.trim()));
  const owners = new Map<string, string>();
  if (!ids.length) return owners;
  const found = await em.find(entity, { source, externalId: { $in: ids } } as never, { fields: ['externalId', parent] as never[] });
  for (const line of found) owners.set(line.externalId!, (line as unknown as Record<string, { id: string }>)[parent].id);
  return owners;
}

/** A line's external id belongs to one parent: CONFLICT for each sent line another parent holds. */
export function foreignLines(row: SentLines, owners: Map<string, string>, parentId: string | undefined, what: string): RowError[] {
  const errors: RowError[] = [];
  (row.lines ?? []).forEach((line, i) => {
    const owner = owners.get(line.externalId.trim());
    if (owner && owner !== parentId) {
      errors.push({
        path: `lines[${i}].externalId`,
        code: 'CONFLICT',
        message: `Line ${line.externalId.trim()} belongs to another ${what}.`,
      });
    }
  });
  return errors;
}
