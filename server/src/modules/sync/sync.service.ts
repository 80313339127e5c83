import { InputError, refuse, resultOf } from '../../common/business-errors.js';
import type { RequestContext } from '../../kernel/context.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { findReplay, idempotencyClaim, saveReplay } from '../../kernel/idempotency.js';
import { inTransaction, isUniqueViolation, type TransactionScope } from '../../kernel/transaction.js';
import type { NotificationService } from '../notification/notification.service.js';
import { runSync, SYNC_KINDS, type RowOutcome } from './sync-engine.js';
import { picturesBefore, tellRequesters } from './termination-watch.js';
import { SYNC_EVENT_ERRORS } from './sync-sources.js';
import { SyncOutcome } from './sync-record.js';
import './sync.events.js';
import { MAX_SYNC_RECORDS, SyncErrorPolicy, type SyncRecordsInput, type SyncRecordsSuccess } from './sync.types.js';

const SOURCE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/** Thrown inside the transaction to roll back a REJECT_EVERYTHING call that met a rejected row. */
class RejectEverything extends Error {
  constructor(readonly result: SyncRecordsSuccess) {
    super('sync rejected');
  }
}

function summarize(rows: RowOutcome[], applied: boolean, replayed = false): SyncRecordsSuccess {
  const count = (o: SyncOutcome) => rows.filter((r) => r.outcome === o).length;
  return {
    applied,
    replayed,
    created: count(SyncOutcome.CREATED),
    updated: count(SyncOutcome.UPDATED),
    unchanged: count(SyncOutcome.UNCHANGED),
    stale: count(SyncOutcome.STALE),
    rejected: count(SyncOutcome.REJECTED),
    rows,
  };
}

/** syncRecords: an ERP's records in, by external id, under one error policy. */
export class SyncService {
  constructor(
    private readonly events: DomainEvents,
    private readonly notifications: NotificationService,
  ) {}

  private async recordCall(
    scope: TransactionScope,
    ctx: RequestContext,
    source: string,
    policy: SyncErrorPolicy,
    result: SyncRecordsSuccess,
  ) {
    await this.events.record(
      scope,
      ctx.actor,
      'sync.completed',
      {
        source,
        errorPolicy: policy,
        applied: result.applied,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        stale: result.stale,
        rejected: result.rejected,
        // The first row errors, for the sync overview (the caller had them all in its answer).
        errors: result.rows
          .flatMap((r) => r.errors.map((e) => ({ kind: r.kind, index: r.index, externalId: r.externalId, ...e })))
          .slice(0, SYNC_EVENT_ERRORS),
      },
      { entity: { type: 'SyncSource', id: source } },
    );
  }

  async syncRecords(ctx: RequestContext, input: SyncRecordsInput) {
    return resultOf(async () => {
      const source = typeof input.source === 'string' ? input.source.trim() : '';
      if (!SOURCE_RE.test(source)) {
        refuse(InputError, 'VALIDATION_FAILED', 'source is 1 to 40 letters, digits, ".", "_" or "-", e.g. "SAP-PRD".', { field: 'source' });
      }
      const total = SYNC_KINDS.reduce((n, k) => n + ((input as unknown as Record<string, unknown[] | null>)[k.field]?.length ?? 0), 0);
      if (total > MAX_SYNC_RECORDS) {
        refuse(
          InputError,
          'VALIDATION_FAILED',
          `At most ${MAX_SYNC_RECORDS} records per call (this one has ${total}); send them in batches.`,
          {
            field: 'input',
          },
        );
      }
      if (input.idempotencyKey != null && (input.idempotencyKey.length < 1 || input.idempotencyKey.length > 200)) {
        refuse(InputError, 'VALIDATION_FAILED', 'idempotencyKey is 1 to 200 characters.', { field: 'idempotencyKey' });
      }
      const policy = input.errorPolicy ?? SyncErrorPolicy.REJECT_EVERYTHING;
      const claim = idempotencyClaim(ctx, 'syncRecords', input.idempotencyKey, input);
      if (claim) {
        const replay = await findReplay(ctx.em.fork(), claim);
        if (replay) return { ...(replay as unknown as SyncRecordsSuccess), replayed: true };
      }
      try {
        return await inTransaction(ctx, async (scope) => {
          const { em } = scope;
          // One sync per source at a time: two calls creating the same external id queue here.
          await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`sync:${source}`]);
          if (claim) {
            const replay = await findReplay(em, claim);
            if (replay) return { ...(replay as unknown as SyncRecordsSuccess), replayed: true };
          }
          const records = input as unknown as Record<string, unknown>;
          const pictures = await picturesBefore(em, source, records);
          const rows = await runSync(em, source, records);
          const result = summarize(rows, true);
          if (policy === SyncErrorPolicy.REJECT_EVERYTHING && result.rejected > 0) throw new RejectEverything(summarize(rows, false));
          await em.flush();
          await tellRequesters(scope, this.notifications, source, pictures);
          await this.recordCall(scope, ctx, source, policy, result);
          if (claim) await saveReplay(em, claim, result as unknown as Record<string, unknown>);
          return result;
        });
      } catch (error) {
        // Nothing was written; the rows say why. Not stored for replay: a retry re-checks. The
        // call itself is still recorded, so that an administrator sees the failing source.
        if (error instanceof RejectEverything) {
          await inTransaction(ctx, (scope) => this.recordCall(scope, ctx, source, policy, error.result));
          return error.result;
        }
        if (claim && isUniqueViolation(error, 'idempotency_record_pkey')) {
          const replay = await findReplay(ctx.em.fork(), claim);
          if (replay) return { ...(replay as unknown as SyncRecordsSuccess), replayed: true };
        }
        throw error;
      }
    });
  }
}
