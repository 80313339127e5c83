import type { FormItemRule } from 'element-plus';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * The rules of a free-text field (a reason, a comment, a note in a LongTextInput): at most `max`
 * characters, the message naming the limit; and not blank when `required` names the message for it.
 */
export function textRules(t: Translate, max: number, required?: string): FormItemRule[] {
  return [
    ...(required ? [{ required: true, whitespace: true, message: t(required), trigger: 'blur' }] : []),
    { max, message: t('wizard.explanationTooLong', { max }), trigger: 'change' },
  ];
}
