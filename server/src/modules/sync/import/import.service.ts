import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ErrorResult } from '../../../common/error-result.js';
import { InputError, InvalidTransitionError, NotFoundError, refuse, resultOf } from '../../../common/business-errors.js';
import { parseId } from '../../../common/errors.js';
import { jobActor, type Actor } from '../../../kernel/actor.js';
import { ApiKey } from '../../identity/api-key.entity.js';
import { keyOwner } from '../../webhooks/webhook-owner.js';
import { createContext, type RequestContext } from '../../../kernel/context.js';
import type { DomainEvents } from '../../../kernel/domain-events.js';
import { TOPICS, type EventPublisher, type ImportRunEvent, type ImportRunProgress } from '../../../kernel/live-events.js';
import type { FaultInjector } from '../../../kernel/faults.js';
import { findReplay, idempotencyClaim, saveReplay } from '../../../kernel/idempotency.js';
import { enqueueJob } from '../../../kernel/jobs.js';
import { inTransaction } from '../../../kernel/transaction.js';
import { User } from '../../identity/user.entity.js';
import { SyncOutcome } from '../sync-record.js';
import type { SyncService } from '../sync.service.js';
import { SyncErrorPolicy, type SyncRecordsInput, type SyncRecordsSuccess } from '../sync.types.js';
import './import.events.js';
import { ImportPhase, ImportRowError, ImportRun, ImportRunStatus } from './import-run.entity.js';
import { findStoredReferences } from './import-references.js';
import type { ImportKindColumns } from './columns/column.js';
import { ImportFileKeys } from './import-file-keys.js';
import {
  buildRecords,
  checkRecord,
  HeaderError,
  locate,
  mapHeader,
  type BuiltRecord,
  type HeaderMap,
  type ImportRowProblem,
} from './record-builder.js';
import { importKind } from './registry.js';
import { readSheetRows, UnreadableFileError, type SheetRow, type SpreadsheetFormat } from './spreadsheet-reader.js';

export const IMPORT_JOBS = { dryRun: 'import_dry_run', run: 'import_run' } as const;

const SOURCE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

export interface ImportOptions {
  /** Where uploaded files are kept until their run is done (DATA_DIR/imports). */
  dir: string;
  /** Records per syncRecords call (at most 500). */
  chunkSize: number;
}

export interface NewUpload {
  kind: string;
  source: string;
  fileName: string;
  format: SpreadsheetFormat;
  sizeBytes: number;
  storedAs: string;
}

/** The progress columns, read back by the statement that moves them (see ImportRunEvent). */
const PROGRESS_RETURNING = `returning status, total_records, validated_records, invalid_records, processed_records,
  created, updated, unchanged, stale, rejected, error, started_at, finished_at`;

type ProgressRow = Record<string, string | number | Date | null>;

const iso = (d: Date | string | number | null | undefined) => (d == null ? null : new Date(d).toISOString());

/** The progress of a run as an entity or a `PROGRESS_RETURNING` row has it. */
function progressOf(run: ImportRun | ProgressRow): ImportRunProgress {
  if (run instanceof ImportRun) {
    return {
      status: run.status,
      totalRecords: run.totalRecords,
      validatedRecords: run.validatedRecords,
      invalidRecords: run.invalidRecords,
      processedRecords: run.processedRecords,
      created: run.created,
      updated: run.updated,
      unchanged: run.unchanged,
      stale: run.stale,
      rejected: run.rejected,
      error: run.error ?? null,
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
    };
  }
  return {
    status: String(run.status),
    totalRecords: Number(run.total_records),
    validatedRecords: Number(run.validated_records),
    invalidRecords: Number(run.invalid_records),
    processedRecords: Number(run.processed_records),
    created: Number(run.created),
    updated: Number(run.updated),
    unchanged: Number(run.unchanged),
    stale: Number(run.stale),
    rejected: Number(run.rejected),
    error: run.error == null ? null : String(run.error),
    startedAt: iso(run.started_at as Date | null),
    finishedAt: iso(run.finished_at as Date | null),
  };
}

/** The run as the event's transaction left it: the stored row with the event's progress laid over it. */
function asOfEvent(run: ImportRun, progress: ImportRunProgress): ImportRun {
  const { startedAt, finishedAt, status, ...counts } = progress;
  return Object.assign(run, counts, {
    status: status as ImportRunStatus,
    startedAt: startedAt ? new Date(startedAt) : null,
    finishedAt: finishedAt ? new Date(finishedAt) : null,
  });
}

/** The rows of a file after its header, and the header's mapping. */
async function openRows(run: ImportRun, dir: string): Promise<{ map: HeaderMap; rows: AsyncIterable<SheetRow> }> {
  const kind = importKind(run.kind)!;
  const iterator = readSheetRows(path.join(dir, run.storedAs), run.format);
  const first = await iterator.next();
  if (first.done) throw new HeaderError('The file is empty: it needs a header row and at least one record.');
  return { map: mapHeader(kind, first.value), rows: { [Symbol.asyncIterator]: () => iterator } };
}

/** Chunks of at most `size` records, in file order. */
async function* chunks(records: AsyncIterable<BuiltRecord>, size: number): AsyncGenerator<BuiltRecord[]> {
  let chunk: BuiltRecord[] = [];
  for await (const record of records) {
    chunk.push(record);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

function errorRows(run: ImportRun, phase: ImportPhase, record: BuiltRecord, problems: ImportRowProblem[]) {
  return problems.map((p) => ({
    id: randomUUID(),
    run_id: run.id,
    phase,
    row_number: p.row,
    record_first_row: record.firstRow,
    record_last_row: record.lastRow,
    external_id: record.externalId ? record.externalId.slice(0, 200) : null,
    column: p.column?.slice(0, 100) ?? null,
    code: p.code.slice(0, 40),
    message: p.message.slice(0, 1000),
  }));
}

async function insertErrors(em: EntityManager, rows: ReturnType<typeof errorRows>): Promise<void> {
  // Plain inserts: the chunk's errors never enter the identity map (memory stays flat).
  for (let i = 0; i < rows.length; i += 1000) {
    await em.getConnection().execute(
      `insert into import_row_error (id, run_id, phase, row_number, record_first_row, record_last_row, external_id, "column", code, message)
       select * from jsonb_to_recordset(?::jsonb) as x(id uuid, run_id uuid, phase text, row_number int, record_first_row int,
         record_last_row int, external_id text, "column" text, code text, message text)`,
      [JSON.stringify(rows.slice(i, i + 1000))],
      'run',
      em.getTransactionContext(),
    );
  }
}

/**
 * Spreadsheet imports: upload, dry run, import in chunks through syncRecords (the same rules and
 * outcomes as an ERP's calls), progress, resume, error report.
 */
export class ImportService {
  constructor(
    private readonly sync: SyncService,
    private readonly domainEvents: DomainEvents,
    private readonly live: EventPublisher,
    private readonly faults: FaultInjector,
    readonly options: ImportOptions,
  ) {}

  /** A stored upload becomes a run; its dry run is queued at once. */
  async create(ctx: RequestContext, upload: NewUpload): Promise<ImportRun | ErrorResult> {
    return this.announcing(async () => {
      const actor = ctx.actor;
      // A signed-in administrator, or an ERP_SYNC key (the run is its owner's and runs as the key).
      const userId = actor?.kind === 'user' ? actor.userId : (actor?.ownerUserId ?? null);
      if (!userId) refuse(InputError, 'VALIDATION_FAILED', 'Imports are uploaded by a signed-in user or an ERP_SYNC API key.');
      const kind = importKind(upload.kind);
      if (!kind) refuse(InputError, 'VALIDATION_FAILED', `Unknown kind ${upload.kind.slice(0, 40)}.`, { field: 'kind' });
      if (!SOURCE_RE.test(upload.source)) {
        refuse(InputError, 'VALIDATION_FAILED', 'source is 1 to 40 letters, digits, ".", "_" or "-", e.g. "SAP-PRD".', { field: 'source' });
      }
      return inTransaction(ctx, async ({ em }) => {
        const run = em.create(ImportRun, {
          kind: kind.kind,
          source: upload.source,
          fileName: upload.fileName.slice(0, 255) || 'upload',
          format: upload.format,
          sizeBytes: upload.sizeBytes,
          storedAs: upload.storedAs,
          status: ImportRunStatus.VALIDATING,
          requestedBy: em.getReference(User, userId),
          requestedByApiKey: actor?.kind === 'apiKey' ? em.getReference(ApiKey, actor.apiKeyId) : null,
        });
        await em.flush();
        await enqueueJob(em, IMPORT_JOBS.dryRun, { runId: run.id }, { jobKey: `import-dry-run:${run.id}`, maxAttempts: 10 });
        return run;
      });
    });
  }

  /** Runs `work` (a create or a start) as resultOf does, and tells subscribers of the run it returns. */
  private async announcing(work: () => Promise<ImportRun>): Promise<ImportRun | ErrorResult> {
    const result = await resultOf(work);
    if (result instanceof ImportRun) this.changed(result);
    return result;
  }

  /** Tells subscribers of `importRunChanged(id)` what a committed change left (after its commit). */
  private changed(run: ImportRun, row?: ProgressRow): void {
    this.live.importRun({ runId: run.id, progress: progressOf(row ?? run) });
  }

  /**
   * The run as each change left it (`importRunChanged`): one read per event and subscriber for the
   * fields that do not move (an import has few watchers), the event's own progress over them.
   * Ending the subscription ends the topic's subscription at once.
   */
  watch(ctx: RequestContext, id: string): AsyncIterableIterator<ImportRun | null> {
    const runId = parseId(id);
    const events = this.live.subscribe<ImportRunEvent>(TOPICS.importRunChanged, (e) => e.runId === runId);
    return {
      async next() {
        const event = await events.next();
        if (event.done) return { value: undefined, done: true };
        const run = await ctx.em.fork().findOne(ImportRun, { id: runId });
        return { value: run && asOfEvent(run, event.value.progress), done: false };
      },
      async return() {
        await events.return!();
        return { value: undefined, done: true };
      },
      async throw(error: unknown) {
        await events.return!();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  get(ctx: RequestContext, id: string) {
    return ctx.em.findOne(ImportRun, { id: parseId(id) });
  }

  list(ctx: RequestContext) {
    return ctx.em.find(ImportRun, {}, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 50 });
  }

  async errors(ctx: RequestContext, runId: string, phase: ImportPhase, offset: number, limit: number) {
    const where = { run: runId, phase };
    const [items, total] = await ctx.em.findAndCount(ImportRowError, where, {
      orderBy: { recordFirstRow: 'asc', rowNumber: 'asc', id: 'asc' },
      offset: Math.max(0, offset),
      limit: Math.min(200, Math.max(1, limit)),
    });
    return { items, total };
  }

  /** Starts the import of a run whose dry run is done. */
  async start(ctx: RequestContext, input: { id: string; idempotencyKey?: string | null }) {
    const claim = idempotencyClaim(ctx, 'startImport', input.idempotencyKey, input);
    return this.announcing(async () =>
      inTransaction(ctx, async (scope) => {
        const { em } = scope;
        if (claim) {
          const replay = await findReplay(em, claim);
          if (replay) return em.findOneOrFail(ImportRun, { id: String(replay.runId) });
        }
        const run = await em.findOne(ImportRun, { id: parseId(input.id) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!run) refuse(NotFoundError, 'NOT_FOUND', 'There is no such import.');
        if (run.status !== ImportRunStatus.VALIDATED) {
          refuse(
            InvalidTransitionError,
            'INVALID_TRANSITION',
            run.status === ImportRunStatus.VALIDATING
              ? 'The dry run of this file is not finished yet.'
              : `This import is ${run.status.toLowerCase()}; upload the file again to import it again.`,
          );
        }
        run.status = ImportRunStatus.QUEUED;
        await em.flush();
        await enqueueJob(em, IMPORT_JOBS.run, { runId: run.id }, { jobKey: `import-run:${run.id}`, maxAttempts: 25 });
        if (claim) await saveReplay(em, claim, { runId: run.id });
        return run;
      }),
    );
  }

  /** The job of the dry run: every row checked, problems stored, nothing else written. */
  async dryRun(base: RequestContext, runId: string): Promise<void> {
    const em = base.em.fork();
    const run = await em.findOne(ImportRun, { id: runId });
    if (!run || run.status !== ImportRunStatus.VALIDATING) return;
    // A dry run interrupted by a restart starts over: it wrote nothing but its own findings.
    await em.getConnection().execute(`delete from import_row_error where run_id = ? and phase = 'DRY_RUN'`, [run.id]);
    await new ImportFileKeys(em, run.id).clear();
    Object.assign(run, { totalRecords: 0, validatedRecords: 0, invalidRecords: 0 });
    await em.flush();
    const kind = importKind(run.kind)!;
    await this.readingFile(em, run, async () => {
      const { map, rows } = await openRows(run, this.options.dir);
      run.headerLanguage = map.language;
      for await (const chunk of chunks(buildRecords(kind, map, rows), this.options.chunkSize)) {
        const chunkEm = em.fork();
        const keys = new ImportFileKeys(chunkEm, run.id);
        await this.checkChunk(keys, kind, map, chunk);
        await findStoredReferences(chunkEm, run.source, kind, map, chunk, keys);
        const errors = chunk.flatMap((r) => errorRows(run, ImportPhase.DRY_RUN, r, r.problems));
        const [row] = await chunkEm.transactional(async (tx) => {
          await insertErrors(tx, errors);
          return tx.getConnection().execute<ProgressRow[]>(
            `update import_run set validated_records = validated_records + ?, total_records = total_records + ?,
               invalid_records = invalid_records + ?, header_language = ? where id = ? ${PROGRESS_RETURNING}`,
            [chunk.length, chunk.length, chunk.filter((r) => r.problems.length).length, map.language, run.id],
            'all',
            tx.getTransactionContext(),
          );
        });
        this.changed(run, row);
        this.faults.check('import.dryRunChunk');
      }
      // The import reads the file again and finds its duplicates again (as it goes, so that a resumed import keeps them).
      await new ImportFileKeys(em, run.id).clear();
      await em.refresh(run);
      run.status = ImportRunStatus.VALIDATED;
      await em.flush();
      this.changed(run);
    });
  }

  /**
   * The job of the import: chunks of records through syncRecords (REJECT_FAILED_ROWS, one
   * idempotency key per chunk). Chunks before `chunksDone` were committed before a restart and
   * are passed over; a chunk committed by the sync whose progress was lost is replayed by its key.
   */
  async importFile(base: RequestContext, runId: string): Promise<void> {
    const em = base.em.fork();
    const run = await em.findOne(ImportRun, { id: runId });
    if (!run || (run.status !== ImportRunStatus.QUEUED && run.status !== ImportRunStatus.RUNNING)) return;
    const user = await em.findOneOrFail(User, { id: run.requestedBy.id }, { populate: ['department'] });
    const key = run.requestedByApiKey ? await em.findOne(ApiKey, { id: run.requestedByApiKey.id }) : null;
    // An upload by API key imports as that key, as its own syncRecords calls would (audit, events).
    const actor: Actor = key ? keyOwner(key) : jobActor(user, `import:${run.id}`);
    if (!actor.permissions.has('erp:sync')) {
      // The key was revoked (or expired, or lost its scope) after the upload: nothing is imported.
      Object.assign(run, {
        status: ImportRunStatus.FAILED,
        error: 'The API key that uploaded this file may no longer sync.',
        finishedAt: new Date(),
      });
      await em.flush();
      this.changed(run);
      return;
    }
    if (run.status === ImportRunStatus.QUEUED) {
      run.status = ImportRunStatus.RUNNING;
      run.startedAt = new Date();
      await em.flush();
      this.changed(run);
    }
    const kind = importKind(run.kind)!;
    await this.readingFile(em, run, async () => {
      const { map, rows } = await openRows(run, this.options.dir);
      let chunkNo = 0;
      for await (const chunk of chunks(buildRecords(kind, map, rows), this.options.chunkSize)) {
        const n = chunkNo++;
        if (n < run.chunksDone) continue;
        const ctx = createContext({ ...base, em: em.fork(), actor });
        await this.checkChunk(new ImportFileKeys(ctx.em, run.id), kind, map, chunk);
        const row = await this.importChunk(ctx, run, n, map, chunk);
        // No row: another attempt had already committed this chunk, and told its subscribers.
        if (row) this.changed(run, row);
        this.faults.check('import.afterChunk');
      }
      const completed = await inTransaction(createContext({ ...base, em: em.fork(), actor }), async (scope) => {
        const fresh = await scope.em.findOneOrFail(ImportRun, { id: run.id });
        await new ImportFileKeys(scope.em, run.id).clear();
        fresh.status = ImportRunStatus.COMPLETED;
        fresh.finishedAt = new Date();
        await this.domainEvents.record(
          scope,
          actor,
          'import.completed',
          {
            runId: fresh.id,
            kind: fresh.kind,
            source: fresh.source,
            fileName: fresh.fileName,
            requestedBy: user.email,
            total: fresh.processedRecords,
            created: fresh.created,
            updated: fresh.updated,
            unchanged: fresh.unchanged,
            stale: fresh.stale,
            rejected: fresh.rejected,
          },
          { entity: { type: 'ImportRun', id: fresh.id } },
        );
        return fresh;
      });
      this.changed(completed);
    });
    // The file stays: the error report gives back its failed rows with the errors next to them.
  }

  /** The checks of a chunk beyond its cells: an external id seen earlier in the file, then the sync's own rules. */
  private async checkChunk(keys: ImportFileKeys, kind: ImportKindColumns, map: HeaderMap, chunk: BuiltRecord[]): Promise<void> {
    await keys.markDuplicates(kind, map, chunk);
    for (const record of chunk) checkRecord(kind, map, record);
  }

  /** Imports one chunk and moves the run's counts; returns the progress row the move committed. */
  private async importChunk(
    ctx: RequestContext,
    run: ImportRun,
    n: number,
    map: HeaderMap,
    chunk: BuiltRecord[],
  ): Promise<ProgressRow | undefined> {
    const kind = importKind(run.kind)!;
    const valid = chunk.filter((r) => !r.problems.length);
    const counts = { created: 0, updated: 0, unchanged: 0, stale: 0, rejected: chunk.length - valid.length };
    if (valid.length) {
      const input = {
        source: run.source,
        errorPolicy: SyncErrorPolicy.REJECT_FAILED_ROWS,
        idempotencyKey: `import:${run.id}:${n}`,
        [kind.field]: valid.map((r) => r.record),
      } as unknown as SyncRecordsInput;
      const result = await this.sync.syncRecords(ctx, input);
      if (result instanceof ErrorResult) {
        for (const r of valid) r.problems.push({ row: r.firstRow, column: null, code: result.code, message: result.message });
        counts.rejected += valid.length;
      } else {
        const success = result as SyncRecordsSuccess;
        for (const row of success.rows) {
          const record = valid[row.index];
          if (!record) continue;
          for (const e of row.errors) record.problems.push({ ...locate(record, map, e.path), code: e.code, message: e.message });
          if (row.outcome === SyncOutcome.CREATED) counts.created++;
          else if (row.outcome === SyncOutcome.UPDATED) counts.updated++;
          else if (row.outcome === SyncOutcome.UNCHANGED) counts.unchanged++;
          else if (row.outcome === SyncOutcome.STALE) counts.stale++;
          else counts.rejected++;
        }
      }
    }
    const errors = chunk.flatMap((r) => errorRows(run, ImportPhase.IMPORT, r, r.problems));
    const lastRow = chunk[chunk.length - 1]!.lastRow;
    const [row] = await ctx.em.fork().transactional(async (tx) => {
      await insertErrors(tx, errors);
      return tx.getConnection().execute<ProgressRow[]>(
        `update import_run set processed_records = processed_records + ?, created = created + ?, updated = updated + ?,
           unchanged = unchanged + ?, stale = stale + ?, rejected = rejected + ?, next_row = ?, chunks_done = ?
         where id = ? and chunks_done = ? ${PROGRESS_RETURNING}`,
        [chunk.length, counts.created, counts.updated, counts.unchanged, counts.stale, counts.rejected, lastRow + 1, n + 1, run.id, n],
        'all',
        tx.getTransactionContext(),
      );
    });
    run.chunksDone = n + 1;
    return row;
  }

  /** A file that cannot be read or has a wrong header fails its run with the reason; other errors retry the job. */
  private async readingFile(em: EntityManager, run: ImportRun, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof UnreadableFileError || error instanceof HeaderError)) throw error;
      await em.refresh(run);
      run.status = ImportRunStatus.FAILED;
      run.error = error.message;
      run.finishedAt = new Date();
      await em.flush();
      this.changed(run);
      await new ImportFileKeys(em, run.id).clear();
      await rm(path.join(this.options.dir, run.storedAs), { force: true }).catch(() => undefined);
    }
  }

  /** After a restart: runs left validating, queued or running get their job back. */
  async resumeInterrupted(em: EntityManager): Promise<number> {
    const runs = await em.find(ImportRun, {
      status: { $in: [ImportRunStatus.VALIDATING, ImportRunStatus.QUEUED, ImportRunStatus.RUNNING] },
    });
    for (const run of runs) {
      const dry = run.status === ImportRunStatus.VALIDATING;
      await em.transactional((tx) =>
        enqueueJob(
          tx,
          dry ? IMPORT_JOBS.dryRun : IMPORT_JOBS.run,
          { runId: run.id },
          {
            jobKey: `${dry ? 'import-dry-run' : 'import-run'}:${run.id}`,
            maxAttempts: dry ? 10 : 25,
          },
        ),
      );
    }
    return runs.length;
  }

  /** The stored file of a run, to re-read for the error report (null once imported and removed). */
  fileStream(run: ImportRun) {
    return createReadStream(path.join(this.options.dir, run.storedAs));
  }
}
