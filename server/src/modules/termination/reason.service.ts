import type { ReasonCategory } from '@ot/shared';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { inTransaction, isUniqueViolation } from '../../kernel/transaction.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { TerminationFault, TerminationReason } from './termination-reason.entity.js';

export interface ReasonInput {
  code?: string;
  labelZh: string;
  labelEn: string;
  category: ReasonCategory;
  /** Required when creating; kept when omitted on update. */
  fault?: TerminationFault | null;
  customerConfirmationDefault: boolean;
  explanationRequired?: boolean | null;
  sortOrder?: number | null;
}

const CODE_RE = /^[A-Z][A-Z0-9_]{1,39}$/;

/** The reason catalog: add, rename, (de)activate. Reasons are never deleted, so history stays readable. */
export class ReasonService {
  constructor(private readonly domainEvents: DomainEvents) {}

  list(ctx: RequestContext, includeInactive: boolean) {
    return ctx.em.find(TerminationReason, includeInactive ? {} : { active: true }, { orderBy: { sortOrder: 'asc', code: 'asc' } });
  }

  async create(ctx: RequestContext, input: ReasonInput & { code: string }) {
    return resultOf(async () => {
      const code = input.code.trim().toUpperCase();
      if (!CODE_RE.test(code)) refuse(InputError, 'VALIDATION_FAILED', 'The code is 2–40 capital letters, digits or _.', { field: 'code' });
      this.checkLabels(input);
      // Deciding who causes it decides whether customers pay the fee: never guessed.
      if (!input.fault)
        refuse(InputError, 'VALIDATION_FAILED', 'Say who causes a termination for this reason (fault).', { field: 'fault' });
      const fault = input.fault;
      try {
        return await inTransaction(ctx, async (scope) => {
          const { em } = scope;
          const reason = em.create(TerminationReason, {
            code,
            labelZh: input.labelZh.trim(),
            labelEn: input.labelEn.trim(),
            category: input.category,
            fault,
            customerConfirmationDefault: input.customerConfirmationDefault,
            explanationRequired: input.explanationRequired ?? false,
            sortOrder: input.sortOrder ?? 100,
          });
          await this.domainEvents.record(
            scope,
            ctx.actor,
            'reason.created',
            { code, fault },
            { entity: { type: 'TerminationReason', id: reason.id } },
          );
          return reason;
        });
      } catch (error) {
        if (isUniqueViolation(error))
          refuse(InputError, 'VALIDATION_FAILED', `A reason with code ${code} exists already.`, { field: 'code' });
        throw error;
      }
    });
  }

  async update(ctx: RequestContext, id: string, input: ReasonInput & { active?: boolean | null }) {
    const reasonId = parseId(id);
    return resultOf(async () => {
      this.checkLabels(input);
      return inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const reason = await em.findOne(TerminationReason, { id: reasonId });
        if (!reason) refuse(NotFoundError, 'NOT_FOUND', 'No such reason.');
        const before = { labelZh: reason.labelZh, labelEn: reason.labelEn, active: reason.active, fault: reason.fault };
        Object.assign(reason, {
          labelZh: input.labelZh.trim(),
          labelEn: input.labelEn.trim(),
          category: input.category,
          fault: input.fault ?? reason.fault,
          customerConfirmationDefault: input.customerConfirmationDefault,
          explanationRequired: input.explanationRequired ?? reason.explanationRequired,
          sortOrder: input.sortOrder ?? reason.sortOrder,
          active: input.active ?? reason.active,
        });
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'reason.updated',
          { code: reason.code, before, fault: reason.fault },
          { entity: { type: 'TerminationReason', id: reason.id } },
        );
        return reason;
      });
    });
  }

  private checkLabels(input: ReasonInput): void {
    if (!input.labelZh.trim() || input.labelZh.length > 100)
      refuse(InputError, 'VALIDATION_FAILED', 'The Chinese label is 1–100 characters.', { field: 'labelZh' });
    if (!input.labelEn.trim() || input.labelEn.length > 100)
      refuse(InputError, 'VALIDATION_FAILED', 'The English label is 1–100 characters.', { field: 'labelEn' });
  }
}
