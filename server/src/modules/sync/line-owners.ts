import type { EntityManager } from '@mikro-orm/postgresql';
import { placeholders } from './sql-write.js';
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
  table: string,
  parentColumn: string,
  source: string,
  rows: { row: SentLines }[],
): Promise<Map<string, string>> {
  const ids = rows.flatMap(({ row }) => (row.lines ?? []).map((l) => l.externalId.trim()));
  const owners = new Map<string, string>();
  if (!ids.length) return owners;
  const found = await em.execute<{ external_id: string; parent: string }[]>(
    `select external_id, "${parentColumn}" as parent from "${table}" where source = ? and external_id in (${placeholders(ids.length)})`,
    [source, ...ids],
  );
  for (const line of found) owners.set(line.external_id, line.parent);
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
