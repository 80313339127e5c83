import { FEE_REASON_MAX } from '@ot/shared';
import type { RequestContext } from '../../kernel/context.js';
import { ConflictError, InputError, NotFoundError, refuse } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { Decimal, money } from '../../common/money.js';
import { mutation } from '../../kernel/mutation.js';
import { chargedFee } from './cancellation-fee.js';
import type { ImpactService } from './impact.service.js';
import type { ImpactSnapshot } from './impact.types.js';
import { runningImpactRequest } from './running-impact.js';
import { lockTermination } from './termination-lifecycle.js';
import { guardAdjustFee, guardFeeAdjustable } from './termination-policy.js';

export interface AdjustCancellationFeeInput {
  terminationId: string;
  amount: string;
  reason: string;
  expectedVersion?: number | null;
  idempotencyKey?: string | null;
}

/** A plain non-negative decimal with at most two places: no exponent, sign, grouping or spaces inside. */
const AMOUNT_RE = /^\d{1,12}(\.\d{1,2})?$/;

/** The impact fields that depend on the fee: rewritten together so the snapshot stays consistent. */
const FEE_KEYS = [
  'fault',
  'contractFee',
  'cancellationFee',
  'feeAdjusted',
  'refundDue',
  'feeOutstanding',
  'amountPaid',
  'amountInvoiced',
] as const;

/**
 * The head of finance lowers or waives (0) the cancellation fee before the termination takes
 * effect. Money decisions are finance's alone: administrators configure, they do not settle.
 */
export class FeeAdjustmentService {
  constructor(private readonly impacts: ImpactService) {}

  async adjust(ctx: RequestContext, input: AdjustCancellationFeeInput) {
    const id = parseId(input.terminationId, 'terminationId');
    const reasonText = input.reason.trim();
    const amountText = input.amount.trim();
    return mutation(ctx, 'adjustCancellationFee', input, async (m) => {
      const actor = ctx.actor;
      guardAdjustFee(actor);
      if (!AMOUNT_RE.test(amountText)) {
        refuse(InputError, 'VALIDATION_FAILED', 'The amount is a number ≥ 0 with at most two decimals, e.g. 12000.00.', {
          field: 'amount',
        });
      }
      if (!reasonText || reasonText.length > FEE_REASON_MAX) {
        refuse(InputError, 'VALIDATION_FAILED', `Say why the fee is adjusted (1 to ${FEE_REASON_MAX} characters).`, { field: 'reason' });
      }
      const amount = money(amountText);
      return m.transaction(async (scope) => {
        const { em } = scope;
        // Concurrent adjustments, approvals and the effect queue on this row lock.
        const t = await lockTermination(scope, id);
        if (!t) refuse(NotFoundError, 'NOT_FOUND', 'No such termination.');
        if (await scope.replayed()) return { termination: t };
        if (input.expectedVersion != null && input.expectedVersion !== t.version) {
          refuse(ConflictError, 'STALE_VERSION', `The termination changed meanwhile (version ${t.version}); reload and try again.`);
        }
        guardFeeAdjustable(t);
        // The ceiling is the contract's fee for this termination now, from live data.
        const request = await runningImpactRequest(scope, t);
        const current = await this.impacts.compute(em, { ...request, feeAdjustment: t.feeAdjustment });
        const { ceiling } = chargedFee(current.contractFee, t.fault, null);
        if (new Decimal(amount).gt(ceiling)) {
          refuse(
            InputError,
            'VALIDATION_FAILED',
            new Decimal(ceiling).isZero()
              ? `This termination is not buyer-caused (${t.fault}): the contract charges no fee, so only 0 is possible.`
              : `The fee cannot exceed what the contract allows: ${ceiling} ${current.currency}.`,
            { field: 'amount' },
          );
        }
        const adjusted = await this.impacts.compute(em, { ...request, feeAdjustment: { amount, reason: reasonText } });
        const previous = current.cancellationFee;
        t.feeAdjustment = {
          amount,
          previousAmount: previous,
          contractFee: ceiling,
          reason: reasonText,
          actorId: actor.userId,
          actorName: actor.name,
          at: new Date().toISOString(),
        };
        // What the customer sees (confirmation page, mails) and the detail read the snapshot.
        const snapshot: ImpactSnapshot = { ...t.impact };
        for (const key of FEE_KEYS) (snapshot as Record<string, unknown>)[key] = adjusted[key];
        const isFeeNote = (code: string) => code.startsWith('FEE_');
        snapshot.warnings = [...t.impact.warnings.filter((w) => !isFeeNote(w.code)), ...adjusted.warnings.filter((w) => isFeeNote(w.code))];
        t.impact = snapshot;
        await scope.terminationChanged(
          t,
          'termination.fee_adjusted',
          {
            from: previous,
            to: adjusted.cancellationFee,
            contractFee: ceiling,
            reason: reasonText,
            refundDue: adjusted.refundDue,
            feeOutstanding: adjusted.feeOutstanding,
            currency: adjusted.currency,
          },
          { departments: ['FINANCE'] },
        );
        await scope.remember({ terminationId: t.id });
        return { termination: t };
      });
    });
  }
}
