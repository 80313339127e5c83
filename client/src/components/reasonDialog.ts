import { COMMENT_MAX } from '@ot/shared';
import type { Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { textRules } from '@/composables/textRules';
import { useFormDialog } from '@/composables/useFormDialog';

/**
 * The actions that end something for good and must say why (ReasonDialog): the locale keys of
 * each one's title (it names the termination as `number`), reason label, confirm button, warning
 * and the message when the reason is left blank.
 */
export const REASON_DIALOGS = {
  withdraw: {
    title: 'withdraw.title',
    label: 'withdraw.reason',
    confirm: 'withdraw.confirm',
    warning: 'withdraw.warning',
    required: 'withdraw.reasonRequired',
    autofocus: false,
  },
  reject: {
    title: 'board.rejectTitle',
    label: 'board.rejectComment',
    confirm: 'board.confirmReject',
    warning: 'board.rejectWarning',
    required: 'board.commentRequired',
    autofocus: true,
  },
} as const;
export type ReasonDialogKind = keyof typeof REASON_DIALOGS;

/** The state of a ReasonDialog of `kind`: its form (`reason`, required, at most COMMENT_MAX) and rules (see useFormDialog). */
export function useReasonDialog(kind: ReasonDialogKind, options: { open?: Ref<boolean> } = {}) {
  const { t } = useI18n();
  return useFormDialog(() => ({ reason: '' }), {
    rules: () => ({ reason: textRules(t, COMMENT_MAX, REASON_DIALOGS[kind].required) }),
    open: options.open,
  });
}
