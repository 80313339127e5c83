import { ConfirmationStatus, CustomerConfirmation } from '../../../confirmation/customer-confirmation.entity.js';
import { openFollowUpTasks } from '../../../follow-up/follow-up-tasks.js';
import type { EffectStep } from '../effect-step.js';

/** The departments' follow-up tasks open, shaped by the customer's preferred resolution when they gave one. */
export const followUpsStep: EffectStep = {
  name: 'effect.tasks',
  async run(scope, effect, deps) {
    const t = effect.termination;
    const accepted = await scope.em.findOne(
      CustomerConfirmation,
      { termination: t, status: ConfirmationStatus.ACCEPTED },
      { orderBy: { respondedAt: 'desc', id: 'desc' } },
    );
    effect.tasks = await openFollowUpTasks(
      scope,
      deps.events,
      t,
      effect.impact,
      accepted?.preferredResolution ?? null,
      t.appliedPurchaseOrderChanges ?? [],
    );
  },
};
