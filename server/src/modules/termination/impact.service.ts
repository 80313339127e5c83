import type { EntityManager } from '@mikro-orm/postgresql';
import type { StoredRecord } from '../../kernel/idempotency.js';
import type { ExchangeRateService } from '../currency/exchange-rate.service.js';
import type { SalesOrder } from '../order/sales-order.entity.js';
import { computeImpact, type ImpactFacts, type ImpactInput } from './impact-calculation.js';
import { emQuery, readImpactFacts, readImpactFactsOf, type FactsExtras } from './impact-facts.js';
import type { TerminationImpact } from './impact.types.js';
import { TerminationReason } from './termination-reason.entity.js';

export interface ImpactRequest extends ImpactInput {
  order: SalesOrder;
  reason: TerminationReason;
  /** When recomputing for an existing termination, it does not block itself. */
  excludeTerminationId?: string;
}

/** A submission's request: the reason (by its code) and the idempotency record (by its key) are read with the facts. */
export type SubmissionImpactRequest = Omit<ImpactRequest, 'reason' | 'excludeTerminationId'> & {
  reasonCode: string;
  idempotency?: FactsExtras['idempotency'];
};

/** A submission's reason (null: none with that code), drawn number and impact (null without a reason). */
export interface SubmissionImpact {
  reason: TerminationReason | null;
  number: string;
  impact: TerminationImpact | null;
}

/**
 * Computes what terminating (part of) an order would do, from live data. Pure reading:
 * the preview, the submission and the effect all call it, so they can never disagree.
 * The facts are read in one statement (readImpactFacts).
 */
export class ImpactService {
  /** The approval rules and the exchange rate are read with the facts; `rates` names the base currency. */
  constructor(private readonly rates: ExchangeRateService) {}

  async compute(em: EntityManager, request: ImpactRequest): Promise<TerminationImpact> {
    const now = new Date();
    const { facts } = await this.read(em, request.order, now, { excludeTerminationId: request.excludeTerminationId });
    return computeImpact({ ...facts, order: request.order }, request, now);
  }

  /**
   * The submission's read: the facts, the reason by code, the next termination number and the
   * idempotency record, in the same one statement. Null reason: there is no reason with that code
   * (nothing computed).
   */
  async computeForSubmission(
    em: EntityManager,
    request: SubmissionImpactRequest,
  ): Promise<SubmissionImpact & { idempotencyRecord: StoredRecord | null }> {
    const now = new Date();
    const { facts, reasonRow, number, idempotencyRecord } = await this.read(em, request.order, now, {
      reasonCode: request.reasonCode,
      drawNumber: true,
      idempotency: request.idempotency,
    });
    return { ...this.submission(em, { ...facts, order: request.order }, reasonRow, number!, request, now), idempotencyRecord };
  }

  /** computeForSubmission for many orders of one reason, in ONE statement (a bulk run's chunk), by order id. */
  async computeForSubmissions(
    em: EntityManager,
    requests: readonly Omit<SubmissionImpactRequest, 'reasonCode' | 'idempotency'>[],
    reasonCode: string,
  ): Promise<Map<string, SubmissionImpact>> {
    const now = new Date();
    const read = await readImpactFactsOf(
      emQuery(em),
      requests.map((r) => r.order.id),
      this.rates.baseCurrency,
      now,
      { reasonCode, drawNumber: true },
    );
    const computed = new Map<string, SubmissionImpact>();
    for (const request of requests) {
      const facts = read.get(request.order.id);
      if (!facts) throw new Error(`Order ${request.order.number} vanished while its impact was computed.`);
      computed.set(
        request.order.id,
        this.submission(em, { ...facts.facts, order: request.order }, facts.reasonRow, facts.number!, request, now),
      );
    }
    return computed;
  }

  private submission(
    em: EntityManager,
    facts: ImpactFacts,
    reasonRow: Record<string, unknown> | null,
    number: string,
    request: Omit<ImpactInput, 'reason'>,
    now: Date,
  ): SubmissionImpact {
    if (!reasonRow) return { reason: null, number, impact: null };
    const reason = em.map(TerminationReason, reasonRow);
    return { reason, number, impact: computeImpact(facts, { ...request, reason }, now) };
  }

  private async read(em: EntityManager, order: SalesOrder, now: Date, extras: FactsExtras) {
    const read = await readImpactFacts(em, order.id, this.rates.baseCurrency, now, extras);
    if (!read) throw new Error(`Order ${order.number} vanished while its impact was computed.`);
    return read;
  }
}
