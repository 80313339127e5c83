import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { fileSize } from '@/app/attachments';
import { useSiteFacts } from './useSiteFacts';

/**
 * The largest file the server takes (ATTACHMENT_MAX_BYTES for staff, a smaller allowance on the
 * customer's page), as the server says it: stated beside file pickers, and a larger file is
 * refused before it is sent. Until the limit is known nothing is stated (the server checks every
 * upload anyway).
 */
export function useAttachmentLimits(who: 'staff' | 'customer' = 'staff') {
  const { t } = useI18n();
  const facts = useSiteFacts();
  const maxBytes = computed(() => {
    const site = facts.value;
    if (!site) return null;
    return who === 'staff' ? site.attachmentMaxBytes : site.customerAttachmentMaxBytes;
  });
  /** What may be attached and how large, once the limit is known. */
  const hint = computed(() => {
    const max = maxBytes.value;
    if (!max) return '';
    return t(who === 'customer' ? 'attachments.customerHint' : 'attachments.allowed', { max: fileSize(max) });
  });
  /** Why `file` is not sent (larger than the limit), or null when it may be. */
  function oversize(file: File): string | null {
    const max = maxBytes.value;
    if (max === null || file.size <= max) return null;
    return t('attachments.failed', { name: file.name, message: `${t('errors.PAYLOAD_TOO_LARGE')} (≤ ${fileSize(max)})` });
  }
  return { maxBytes, hint, oversize };
}
