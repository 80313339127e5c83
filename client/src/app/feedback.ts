import { ElMessage, ElMessageBox } from 'element-plus/es';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import { errorMessage } from './errors';
import { i18n } from './i18n';

/** Short confirmations and failures after an action, in the user's language. */
export function notifySuccess(message: string): void {
  ElMessage({ type: 'success', message, showClose: true });
}

/** `error`: a typed `ErrorResult` or a thrown Apollo error; shown by code (see errorMessage). */
export function notifyError(error: unknown): void {
  ElMessage({ type: 'error', message: errorMessage(error), showClose: true, duration: 6000 });
}

/**
 * Asks before an irreversible action. Resolves true when confirmed; Escape, the close button and
 * "Cancel" resolve false. The cancel button takes the focus, so Enter does not confirm by accident.
 */
export async function confirmAction(options: { title: string; message: string; confirm: string; danger?: boolean }): Promise<boolean> {
  const { t } = i18n.global;
  try {
    await ElMessageBox.confirm(options.message, options.title, {
      confirmButtonText: options.confirm,
      cancelButtonText: t('common.cancel'),
      type: options.danger ? 'warning' : 'info',
      confirmButtonClass: options.danger ? 'el-button--danger' : undefined,
      autofocus: false,
      distinguishCancelAndClose: false,
    });
    return true;
  } catch {
    return false;
  }
}
