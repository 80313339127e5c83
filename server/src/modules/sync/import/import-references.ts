import type { EntityManager } from '@mikro-orm/postgresql';
import { REF_ENTITIES } from '../sync-engine.js';
import type { RefKind } from '../sync-kind.js';
import type { ImportKindColumns } from './columns/column.js';
import type { ImportFileKeys } from './import-file-keys.js';
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
 * The dry run's database checks of one chunk, writing no business data: references to records
 * that are neither stored under the source nor earlier in the file, and business keys (a code, a
 * number) held by another stored record. Problems are added to the records; what the chunk's
 * valid records define is added to the file's keys.
 */
export async function findStoredReferences(
  em: EntityManager,
  source: string,
  kind: ImportKindColumns,
  map: HeaderMap,
  chunk: BuiltRecord[],
  /** What records earlier in the file define (their ids, by the kind others reference them as). */
  keys: ImportFileKeys,
): Promise<void> {
  const sync = syncKindOf(kind);
  const ok = chunk.filter((r) => !r.problems.length);
  const wanted = new Map<RefKind, Set<string>>();
  for (const record of ok) {
    for (const ref of sync.references(record.record)) {
      if (!wanted.has(ref.kind)) wanted.set(ref.kind, new Set());
      wanted.get(ref.kind)!.add(ref.externalId);
    }
  }
  const found = new Map<RefKind, Set<string>>();
  for (const [refKind, ids] of wanted) {
    const inFile = await keys.defined(refKind, [...ids]);
    const stored = await existing(
      em,
      refKind,
      source,
      [...ids].filter((id) => !inFile.has(id)),
    );
    found.set(refKind, new Set([...inFile, ...stored]));
  }
  for (const record of ok) {
    for (const ref of sync.references(record.record)) {
      if (found.get(ref.kind)?.has(ref.externalId)) continue;
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
  const defines: { kind: RefKind; externalId: string; row: number }[] = [];
  for (const record of chunk) {
    if (record.problems.length) continue;
    if (sync.refKind && record.externalId) defines.push({ kind: sync.refKind, externalId: record.externalId, row: record.firstRow });
    for (const child of sync.children?.(record.record) ?? [])
      defines.push({ kind: child.kind, externalId: child.externalId, row: record.firstRow });
  }
  await keys.define(defines);
}
