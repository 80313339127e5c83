import type { EntityManager } from '@mikro-orm/postgresql';
import { REF_ENTITIES } from '../sync-engine.js';
import type { RefKind } from '../sync-kind.js';
import type { ImportKindColumns } from './columns/column.js';
import { locate, syncKindOf, type BuiltRecord, type HeaderMap } from './record-builder.js';

async function existing(em: EntityManager, kind: RefKind, source: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const table = em.getMetadata().get(REF_ENTITIES[kind].name).tableName;
  const rows = await em
    .getConnection()
    .execute<{ external_id: string }[]>(`select external_id from "${table}" where source = ? and external_id in (?)`, [source, ids]);
  return new Set(rows.map((r) => r.external_id));
}

/**
 * The dry run's database checks of one chunk, read-only: references to records that are neither
 * stored under the source nor earlier in the file, and business keys (a code, a number) held by
 * another stored record. Problems are added to the records.
 */
export async function findStoredReferences(
  em: EntityManager,
  source: string,
  kind: ImportKindColumns,
  map: HeaderMap,
  chunk: BuiltRecord[],
  /** Ids this file defines, by the kind others reference it as (records earlier in the file). */
  defined: Map<RefKind, Set<string>>,
): Promise<void> {
  const sync = syncKindOf(kind);
  const ok = chunk.filter((r) => !r.problems.length);
  const wanted = new Map<RefKind, Set<string>>();
  for (const record of ok) {
    for (const ref of sync.references(record.record)) {
      if (defined.get(ref.kind)?.has(ref.externalId)) continue;
      if (!wanted.has(ref.kind)) wanted.set(ref.kind, new Set());
      wanted.get(ref.kind)!.add(ref.externalId);
    }
  }
  const found = new Map<RefKind, Set<string>>();
  for (const [refKind, ids] of wanted) found.set(refKind, await existing(em, refKind, source, [...ids]));
  for (const record of ok) {
    for (const ref of sync.references(record.record)) {
      if (defined.get(ref.kind)?.has(ref.externalId) || found.get(ref.kind)?.has(ref.externalId)) continue;
      record.problems.push({
        ...locate(record, map, ref.path),
        code: 'UNKNOWN_REFERENCE',
        message: `There is no ${ref.kind} ${ref.externalId} from ${source}, neither stored nor earlier in this file.`,
      });
    }
  }
  const natural = sync.naturalKey;
  // A kind whose business key is not one column (no `property`) is left to the import's own check.
  if (natural?.property) {
    const property = natural.property;
    const byValue = new Map<string, BuiltRecord>();
    for (const record of ok) {
      const value = natural.value(record.record);
      if (value) byValue.set(value, record);
    }
    if (byValue.size) {
      const meta = em.getMetadata().get(sync.entity.name);
      const column = meta.properties[property]!.fieldNames[0]!;
      const holders = await em
        .getConnection()
        .execute<{ value: string; source: string | null; external_id: string | null }[]>(
          `select "${column}" as value, source, external_id from "${meta.tableName}" where "${column}" in (?)`,
          [[...byValue.keys()]],
        );
      for (const holder of holders) {
        const record = byValue.get(holder.value);
        if (!record || (holder.source === source && holder.external_id === record.externalId)) continue;
        record.problems.push({
          ...locate(record, map, natural.path),
          code: 'CONFLICT',
          message: `${holder.value} belongs to another record${holder.external_id ? ` (${holder.source} ${holder.external_id})` : ''}.`,
        });
      }
    }
  }
  // What this chunk defines may be referenced by later rows of the file.
  if (sync.refKind) {
    if (!defined.has(sync.refKind)) defined.set(sync.refKind, new Set());
    for (const record of chunk) if (!record.problems.length && record.externalId) defined.get(sync.refKind)!.add(record.externalId);
  }
  for (const record of chunk) {
    if (record.problems.length) continue;
    for (const child of sync.children?.(record.record) ?? []) {
      if (!defined.has(child.kind)) defined.set(child.kind, new Set());
      defined.get(child.kind)!.add(child.externalId);
    }
  }
}
