import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, ref, watch, type Ref } from 'vue';
import { errorMessage, isErrorResult } from '@/app/errors';
import { getFragmentData, graphql, type FragmentType } from '@/gql';
import { useIdempotencyKey } from './useIdempotencyKey';

/**
 * What a form shows of a mutation's typed refusal (spread `...Refusal` in the mutation's result):
 * the message by its code, and the field an InputError names.
 */
const RefusalFragment = graphql(`
  fragment Refusal on ErrorResult {
    code
    message
    ... on InputError {
      field
    }
  }
`);

/** What a mutation of a `…Result` union gives back (its `__typename` tells success from refusal). */
export type UnionOutcome = { __typename: string } | null | undefined;
/** The member of the union named `T`. */
export type Member<O extends UnionOutcome, T> = Extract<NonNullable<O>, { __typename: T }>;

/** What a FormDialog shows and how it reports back (see useFormDialog). */
export interface FormDialogState {
  readonly open: boolean;
  readonly form: object;
  readonly rules: FormRules | undefined;
  /** The refusal shown under the form. */
  readonly failure: string;
  readonly submitting: boolean;
  setOpen(open: boolean): void;
  /** The dialog's el-form, for validation. */
  bindForm(form: unknown): void;
}

/**
 * The state behind a FormDialog (`:dialog="dialog"`): its form (reset to `blank()` on every
 * opening) with its `rules`, whether it is open (`open` may be the caller's v-model), whether a
 * submit runs, and the server's refusal of the last one — at the field when the refusal is an
 * InputError naming one of `fields`, otherwise under the form. Each opening is one intent: its
 * submits send the same `idempotencyKey()`, the next opening a new one. A dialog the caller opens
 * by its v-model (`open`) starts on each opening from `initial()` (else blank).
 */
export function useFormDialog<F extends object>(
  blank: () => F,
  options: { rules?: (form: F) => FormRules<F>; open?: Ref<boolean>; initial?: () => Partial<F>; fields?: readonly string[] } = {},
) {
  const open = options.open ?? ref(false);
  const form = reactive(blank()) as F;
  const rules = computed(() => options.rules?.(form) as FormRules | undefined);
  const formRef = ref<FormInstance | null>(null);
  const submitting = ref(false);
  const refusal = reactive<{ field: string | null; message: string }>({ field: null, message: '' });

  const atField = (field: string | null) => field !== null && (options.fields ?? []).includes(field);
  const failure = computed(() => (atField(refusal.field) ? '' : refusal.message));
  const fieldError = (field: string) => (refusal.field === field && atField(field) ? refusal.message : '');

  const dialog: FormDialogState = reactive({
    open,
    form: form as object,
    rules,
    failure,
    submitting,
    setOpen: (value: boolean) => (open.value = value),
    bindForm: (instance: unknown) => (formRef.value = instance as FormInstance | null),
  });

  function clearFailure() {
    Object.assign(refusal, { field: null, message: '' });
  }

  /**
   * The form as new, without a refusal or stale field messages: each of its fields from `values`
   * where given (e.g. the row being edited; other properties are ignored), else blank.
   */
  function reset(values: Partial<F> = {}) {
    const fresh = blank();
    for (const field of Object.keys(fresh) as (keyof F)[]) form[field] = field in values ? (values[field] as F[keyof F]) : fresh[field];
    clearFailure();
    formRef.value?.clearValidate();
  }

  const idempotency = useIdempotencyKey();
  watch(open, (value) => {
    if (!value) return;
    if (options.open) reset(options.initial?.());
    idempotency.renew();
  });

  function show(values?: Partial<F>) {
    reset(values);
    open.value = true;
  }

  /** Runs the form's rules (the messages show at their fields); false when one fails. */
  async function validate(): Promise<boolean> {
    return (await formRef.value?.validate().catch(() => false)) ?? false;
  }

  /**
   * Validates the form, then runs the mutation: on the `success` member the dialog closes and
   * `done` follows; a typed refusal or a thrown error stays in the dialog as its failure.
   */
  async function submit<O extends UnionOutcome, T extends NonNullable<O>['__typename']>(
    run: () => Promise<O>,
    success: T,
    done: (outcome: Member<O, T>) => unknown,
  ): Promise<void> {
    // An earlier refusal goes first, so it never stands beside the new field messages.
    clearFailure();
    if (!(await validate())) return;
    submitting.value = true;
    try {
      const outcome = await run();
      if (outcome?.__typename === success) {
        open.value = false;
        await done(outcome as Member<O, T>);
      } else if (isErrorResult(outcome)) {
        const refused = getFragmentData(RefusalFragment, outcome as FragmentType<typeof RefusalFragment>);
        Object.assign(refusal, { field: 'field' in refused ? refused.field : null, message: errorMessage(refused) });
      }
    } catch (error) {
      Object.assign(refusal, { field: null, message: errorMessage(error) });
    } finally {
      submitting.value = false;
    }
  }

  return { dialog, open, form, fieldError, show, validate, submit, idempotencyKey: idempotency.get };
}
