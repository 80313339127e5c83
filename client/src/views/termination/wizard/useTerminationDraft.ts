import { useMutation, useQuery } from '@vue/apollo-composable';
import { computed, inject, provide, reactive, ref, watch, type ComputedRef, type InjectionKey } from 'vue';
import { uploadAttachment } from '@/app/attachments';
import { errorMessage, isErrorResult } from '@/app/errors';
import { useDebouncedFn } from '@/composables/useDebouncedFn';
import { useIdempotencyKey } from '@/composables/useIdempotencyKey';
import { graphql } from '@/gql';
import type { TerminateWizardQuery, TerminationImpactInput } from '@/gql/graphql';
import { orderLines } from '@/views/order/components/orderLine';

const TerminationImpactPreviewQuery = graphql(`
  query TerminationImpactPreview($input: TerminationImpactInput!) {
    terminationImpact(input: $input) {
      __typename
      ... on TerminationImpact {
        currency
        terminatedValue
        cancellationFee
        refundDue
        feeOutstanding
        customerConfirmationByContract
        lines {
          lineId
          lineNo
          sku
          productName
          quantity
          amount
        }
        approvalRoute {
          stage
          department
        }
        blockers {
          code
          message
          subject
        }
        ...ImpactPreview
      }
      ...Refusal
    }
  }
`);

const SubmitTerminationMutation = graphql(`
  mutation SubmitTermination($input: SubmitTerminationInput!) {
    submitTermination(input: $input) {
      __typename
      ... on SubmitTerminationSuccess {
        replayed
        termination {
          id
          number
          status
        }
      }
      ... on TerminationBlockedError {
        blockers {
          code
          message
          subject
        }
      }
      ...Refusal
    }
  }
`);

export type WizardOrder = NonNullable<TerminateWizardQuery['order']>;
export type WizardReason = TerminateWizardQuery['terminationReasons'][number];

/**
 * The termination request being drafted and what follows from it: the chosen lines, the reason,
 * whether the customer must confirm, and the live impact preview (recomputed when scope, lines or
 * reason change; quantities after a pause in typing). Lives as long as the wizard page.
 */
function createTerminationDraft(order: ComputedRef<WizardOrder | null>, reasons: ComputedRef<readonly WizardReason[]>) {
  const lines = computed(() => (order.value ? orderLines(order.value) : []));
  const openLines = computed(() => lines.value.filter((line) => line.openQuantity > 0));

  const draft = reactive({
    scope: 'FULL' as 'FULL' | 'PARTIAL',
    lines: {} as Record<string, { selected: boolean; quantity: number }>,
    reasonCode: '',
    explanation: '',
    customerConfirmation: false,
    /** Once the user sets the switch, a change of reason no longer resets it. */
    confirmationTouched: false,
  });

  watch(
    openLines,
    (open) => {
      for (const line of open) draft.lines[line.id] ??= { selected: false, quantity: line.openQuantity };
    },
    { immediate: true },
  );

  const reason = computed(() => reasons.value.find((r) => r.code === draft.reasonCode));
  watch(reason, (r) => {
    if (r && !draft.confirmationTouched) draft.customerConfirmation = r.customerConfirmationDefault;
  });

  const selectedLines = computed(() =>
    openLines.value
      .filter((line) => draft.lines[line.id]?.selected)
      .map((line) => ({ lineId: line.id, quantity: draft.lines[line.id]!.quantity })),
  );
  /** The `lines` of the request: none for the whole order. */
  const requestedLines = computed(() => (draft.scope === 'FULL' ? null : selectedLines.value));

  // --- Live impact

  function impactInputNow(): TerminationImpactInput | null {
    if (!order.value || !draft.reasonCode) return null;
    if (draft.scope === 'PARTIAL' && selectedLines.value.length === 0) return null;
    return { orderNumber: order.value.number, reasonCode: draft.reasonCode, lines: requestedLines.value };
  }
  const impactInput = ref<TerminationImpactInput | null>(null);
  const recompute = useDebouncedFn(() => (impactInput.value = impactInputNow()), 400);
  watch(() => [draft.scope, draft.reasonCode, order.value?.id], recompute.flush);
  watch(() => JSON.stringify(selectedLines.value), recompute.run);

  const {
    result: impactResult,
    loading: impactLoading,
    error: impactError,
    refetch: refetchImpact,
  } = useQuery(
    TerminationImpactPreviewQuery,
    () => ({ input: impactInput.value! }),
    () => ({
      enabled: impactInput.value !== null,
      fetchPolicy: 'network-only',
      keepPreviousResult: true,
    }),
  );

  const impactOutcome = computed(() => (impactInput.value ? impactResult.value?.terminationImpact : undefined));
  const impact = computed(() => (impactOutcome.value?.__typename === 'TerminationImpact' ? impactOutcome.value : null));
  const impactRefusal = computed(() => (isErrorResult(impactOutcome.value) ? impactOutcome.value : null));
  const blocked = computed(() => (impact.value?.blockers.length ?? 0) > 0);

  // --- Customer confirmation: required by the contract, or chosen (by default from the reason)

  const byContract = computed(
    () => impact.value?.customerConfirmationByContract ?? order.value?.contract.customerConfirmationRequired ?? false,
  );
  const confirmationRequired = computed(() => byContract.value || draft.customerConfirmation);

  function setConfirmation(value: string | number | boolean) {
    draft.customerConfirmation = Boolean(value);
    draft.confirmationTouched = true;
  }

  // --- Submit: one idempotency key per visit, so a double click or a retry cannot create two requests

  const idempotency = useIdempotencyKey();
  const { mutate: submitMutation, loading: submitting } = useMutation(SubmitTerminationMutation);
  const submitFailure = ref<{ message: string; blockers: { code: string; message: string; subject?: string | null }[] } | null>(null);

  /** Files to attach (e.g. the customer's letter): uploaded right after the termination exists, so none is left unlinked. */
  const files = ref<File[]>([]);
  const attaching = ref(false);

  /** Attaches the chosen files to the new termination; what could not be attached, with why. */
  async function attachFiles(terminationId: string): Promise<string[]> {
    const failed: string[] = [];
    attaching.value = true;
    try {
      for (const file of files.value) {
        const outcome = await uploadAttachment({ terminationId }, file);
        if (!outcome.ok) failed.push(`${file.name}: ${errorMessage(outcome.error)}`);
      }
    } finally {
      files.value = [];
      attaching.value = false;
    }
    return failed;
  }

  /**
   * Submits the draft, then attaches the chosen files: the new termination's number and the files
   * that could not be attached, or null with the reason in `submitFailure`.
   */
  async function submit(): Promise<{ number: string; unattached: string[] } | null> {
    if (!order.value || submitting.value || attaching.value || blocked.value) return null;
    submitFailure.value = null;
    try {
      const outcome = (
        await submitMutation({
          input: {
            orderNumber: order.value.number,
            reasonCode: draft.reasonCode,
            explanation: draft.explanation.trim(),
            lines: requestedLines.value,
            customerConfirmationRequired: confirmationRequired.value,
            idempotencyKey: idempotency.get(),
          },
        })
      )?.data?.submitTermination;
      if (outcome?.__typename === 'SubmitTerminationSuccess') {
        return { number: outcome.termination.number, unattached: await attachFiles(outcome.termination.id) };
      }
      if (outcome) {
        submitFailure.value = {
          message: errorMessage(outcome),
          blockers: outcome.__typename === 'TerminationBlockedError' ? outcome.blockers : [],
        };
      }
    } catch (e) {
      submitFailure.value = { message: errorMessage(e), blockers: [] };
    }
    return null;
  }

  return {
    order,
    reasons,
    lines,
    openLines,
    draft,
    reason,
    explanationRequired: computed(() => reason.value?.explanationRequired ?? false),
    selectedLines,
    requestedLines,
    /** Computes the impact of the draft as it is now, without waiting for a pause in typing. */
    refreshImpact: () => recompute.flush(),
    impact,
    impactLoading,
    impactError,
    impactRefusal,
    refetchImpact,
    blocked,
    byContract,
    confirmationRequired,
    setConfirmation,
    submit,
    submitting,
    files,
    attaching,
    submitFailure,
  };
}

export type TerminationDraft = ReturnType<typeof createTerminationDraft>;

const DRAFT: InjectionKey<TerminationDraft> = Symbol('terminationDraft');

/** Creates the wizard's draft and hands it to its steps. */
export function provideTerminationDraft(...args: Parameters<typeof createTerminationDraft>): TerminationDraft {
  const draft = createTerminationDraft(...args);
  provide(DRAFT, draft);
  return draft;
}

/** The draft of the wizard this step belongs to. */
export function useTerminationDraft(): TerminationDraft {
  const draft = inject(DRAFT);
  if (!draft) throw new Error('useTerminationDraft() outside the termination wizard');
  return draft;
}
