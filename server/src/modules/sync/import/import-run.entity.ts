import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { ApiKey } from '../../identity/api-key.entity.js';
import { BaseEntity } from '../../../common/base.entity.js';
import { Counter } from '../../../common/counter.js';
import { User } from '../../identity/user.entity.js';
import { SyncRecordKind } from '../sync-record.js';
import { graphqlEnum, type EnumValue } from '../../../common/graphql-enum.js';

export const ImportRunStatus = graphqlEnum('ImportRunStatus', [
  /** Uploaded; the dry run is queued or running. */
  'VALIDATING',
  /** The dry run is done: its errors are listed, nothing is written yet. */
  'VALIDATED',
  'QUEUED',
  'RUNNING',
  'COMPLETED',
  /** The file could not be read (not a spreadsheet, wrong header): see `error`. */
  'FAILED',
]);
export type ImportRunStatus = EnumValue<typeof ImportRunStatus>;

export const ImportPhase = graphqlEnum('ImportPhase', ['DRY_RUN', 'IMPORT'], {
  description: 'Errors of the dry run, or of the import itself',
});
export type ImportPhase = EnumValue<typeof ImportPhase>;

/**
 * One uploaded spreadsheet: its dry run, then its import in chunks. `nextRow` is the first row
 * of the file not yet imported, so that a run interrupted anywhere continues from the last
 * committed chunk.
 */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'import_run' })
@Index({ properties: ['createdAt'] })
export class ImportRun extends BaseEntity<
  | 'totalRecords'
  | 'validatedRecords'
  | 'invalidRecords'
  | 'processedRecords'
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'stale'
  | 'rejected'
  | 'nextRow'
  | 'chunksDone'
  | 'startedAt'
  | 'finishedAt'
  | 'error'
  | 'headerLanguage'
  | 'requestedByApiKey'
> {
  @Field(() => SyncRecordKind)
  @Enum({ items: () => SyncRecordKind, type: 'string' })
  kind!: SyncRecordKind;

  @Field(() => String, { description: 'The source the records are synchronised under, as syncRecords takes it' })
  @Property({ type: 'string', length: 40 })
  source!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 255 })
  fileName!: string;

  @Field(() => String, { description: 'CSV or XLSX' })
  @Property({ type: 'string', length: 4 })
  format!: 'CSV' | 'XLSX';

  @Field(() => Int)
  @Property({ type: 'integer' })
  sizeBytes!: number;

  /** File name under the imports directory (DATA_DIR/imports). */
  @Property({ type: 'string', length: 80 })
  storedAs!: string;

  @Field(() => String, { nullable: true, description: 'The language of the header row: zh-CN or en' })
  @Property({ type: 'string', length: 5, nullable: true })
  headerLanguage?: string | null;

  @Field(() => ImportRunStatus)
  @Enum({ items: () => ImportRunStatus, type: 'string' })
  status!: ImportRunStatus;

  /** The user who uploaded the file; for an API key's upload, the key's owner. */
  @ManyToOne(() => User)
  requestedBy!: User;

  /** The API key (scope ERP_SYNC) the file was uploaded with: the import runs as that key. */
  @ManyToOne(() => ApiKey, { nullable: true })
  requestedByApiKey?: ApiKey | null;

  @Counter('Records in the file (orders count once, whatever their lines)')
  totalRecords: number = 0;

  @Counter('Records the dry run has checked so far')
  validatedRecords: number = 0;

  @Counter('Records the dry run found errors in')
  invalidRecords: number = 0;

  @Counter('Records imported so far, whatever their outcome')
  processedRecords: number = 0;

  @Counter()
  created: number = 0;

  @Counter()
  updated: number = 0;

  @Counter()
  unchanged: number = 0;

  @Counter()
  stale: number = 0;

  @Counter('Records not imported because of errors (see the error report)')
  rejected: number = 0;

  /** First file row not yet imported (0: none imported). */
  @Property({ type: 'integer', default: 0 })
  nextRow: number = 0;

  /** Chunks committed; numbers the chunks' idempotency keys. */
  @Property({ type: 'integer', default: 0 })
  chunksDone: number = 0;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  startedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the file could not be read' })
  @Property({ type: 'text', nullable: true })
  error?: string | null;
}

/** One problem with one row of an import's file, found by the dry run or by the import. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'import_row_error' })
@Index({ properties: ['run', 'phase', 'recordFirstRow', 'rowNumber'] })
export class ImportRowError extends BaseEntity {
  @ManyToOne(() => ImportRun)
  run!: ImportRun;

  @Field(() => ImportPhase)
  @Enum({ items: () => ImportPhase, type: 'string' })
  phase!: ImportPhase;

  @Field(() => Int, { description: 'The row of the file (1 is the header)' })
  @Property({ type: 'integer' })
  rowNumber!: number;

  /** The rows of the record the row belongs to (an order's lines), for the error report. */
  @Property({ type: 'integer' })
  recordFirstRow!: number;

  @Property({ type: 'integer' })
  recordLastRow!: number;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: 'The header of the column, as in the file' })
  @Property({ type: 'string', length: 100, nullable: true })
  column?: string | null;

  @Field(() => String)
  @Property({ type: 'string', length: 40 })
  code!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  message!: string;
}
