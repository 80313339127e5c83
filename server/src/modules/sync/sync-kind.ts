import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnySyncedEntity as SyncedEntity } from '../../common/synced.entity.js';
import type { SyncRecordInput, SyncRecordKind } from './sync-record.js';
import type { RowChecker, RowError } from './sync-validation.js';

/** What a record may point at by external id (order lines are records inside their order). */
export type RefKind = 'customer' | 'supplier' | 'product' | 'warehouse' | 'contract' | 'salesOrder' | 'salesOrderLine' | 'invoice';

export interface RefRequest {
  path: string;
  kind: RefKind;
  externalId: string;
}

/** References of one row, resolved to rows of this call or stored rows of the same source. */
export interface Refs {
  get<T>(kind: RefKind, externalId: string): T;
}

/** What a kind's checks and writes may use. */
export interface SyncScope {
  em: EntityManager;
  source: string;
}

/**
 * One record kind: how its fields are checked, what it references, how it is written. The
 * engine handles identity, versions, content hashes, references and the error policy; a
 * kind file only knows its own fields.
 */
/** A row of a call that passed its field checks, is neither stale nor unchanged, and whose references resolved. */
export interface ResolvedRow<I extends SyncRecordInput = SyncRecordInput, E = SyncedEntity> {
  row: I;
  existing: E | null;
  refs: Refs;
}

/** What every kind declares, however it is written. */
interface KindBase<I extends SyncRecordInput, E, B> {
  kind: SyncRecordKind;
  /** The list of SyncRecordsInput that carries this kind. */
  field: string;
  /** The entity of the kind's table (a SQL kind reads only its metadata: table and column names). */
  entity: new (...args: never[]) => SyncedEntity;
  /** Under which name other records reference this kind (if any). */
  refKind?: RefKind;
  /** Field checks without the database. */
  check(row: I, c: RowChecker): void;
  references(row: I): RefRequest[];
  /**
   * A unique business key other than the external id (a code, a number): another row holding it
   * is a CONFLICT. Without `property` (a key of several columns) only rows of the call are
   * compared; the kind's guard looks for stored holders.
   */
  naturalKey?: { property?: string; path: string; value(row: I): string | null | undefined };
  /** Records inside this one that others reference (order lines): their kind and external ids. */
  children?(row: I): { kind: RefKind; path: string; externalId: string }[];
  /**
   * Loads, for every row of the call at once, what `guard` checks against (a few queries per
   * kind, not per row); its result is passed to each `guard` call. Without it `guard` gets undefined.
   */
  prepare?(scope: SyncScope, rows: ResolvedRow<I, E>[]): Promise<B>;
  /**
   * Checks against stored state once references are resolved: running terminations, foreign
   * owners. Called row by row in the call's order; a kind with `prepare` reads only `batch` here.
   */
  guard?(scope: SyncScope, row: I, existing: E | null, refs: Refs, batch: B): Promise<RowError[]> | RowError[];
}

/** A kind written through MikroORM entities, row by row (the kinds a call carries few of). */
export interface SyncKind<I extends SyncRecordInput = SyncRecordInput, E extends SyncedEntity = SyncedEntity, B = unknown> extends KindBase<
  I,
  E,
  B
> {
  /** Relations to load with the stored row. */
  populate?: string[];
  /** Writes the record (creates when `existing` is null); returns the row and its children to register. */
  apply(
    scope: SyncScope,
    row: I,
    existing: E | null,
    refs: Refs,
  ): { entity: E; children?: { kind: RefKind; externalId: string; entity: SyncedEntity }[] };
}

/**
 * A stored row of a kind written with SQL: what the engine compares (version, content hash) and
 * what references to it carry, as plain data, without an entity. A relation is `{ id }`.
 */
export interface StoredRow {
  id: string;
  externalId: string;
  sourceVersion: number | null;
  contentHash: string | null;
}

/** A row of a SQL kind that passed every check, with the identity the engine gives it. */
export interface WriteRow<I extends SyncRecordInput, S extends StoredRow> extends ResolvedRow<I, S> {
  externalId: string;
  contentHash: string;
  /** The version to store: the row's, else the stored one. */
  sourceVersion: number | null;
}

/**
 * A kind written set-based with SQL (the kinds a call carries hundreds of: orders, purchase
 * orders, reservations): its stored rows are read and locked as plain rows, and all accepted
 * rows of the call are written by a few `insert … on conflict` statements, without entities.
 */
export interface SqlSyncKind<I extends SyncRecordInput = SyncRecordInput, S extends StoredRow = StoredRow, B = unknown> extends KindBase<
  I,
  S,
  B
> {
  /** Reads and locks (`for update`) the stored rows of these external ids. */
  load(scope: SyncScope, externalIds: string[]): Promise<S[]>;
  /**
   * Writes every accepted row, and the new version of UNCHANGED rows whose version moved. Returns
   * the written rows by external id and their children (order lines) for later kinds of the call.
   */
  write(
    scope: SyncScope,
    rows: WriteRow<I, S>[],
    versionOnly: { id: string; sourceVersion: number }[],
  ): Promise<{ rows: Map<string, StoredRow>; children: { kind: RefKind; externalId: string; row: StoredRow }[] }>;
}

export type AnySyncKind = SyncKind | SqlSyncKind;

export const isSqlKind = (spec: AnySyncKind): spec is SqlSyncKind => 'write' in spec;
