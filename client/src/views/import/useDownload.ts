import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { downloadBlob } from '@/app/csv';
import { notifyError } from '@/app/feedback';
import { getToken } from '@/app/session';

const base = import.meta.env.BASE_URL.replace(/\/$/, '');

/** The import's file downloads (templates, error reports): fetched with the session's bearer token. */
export function useDownload() {
  const { t } = useI18n();
  /** The path being downloaded, for the buttons' spinners. */
  const downloading = ref('');
  async function download(path: string, fileName: string) {
    downloading.value = path;
    try {
      const token = getToken();
      const response = await fetch(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      downloadBlob(await response.blob(), fileName);
    } catch (error) {
      notifyError({ code: 'DOWNLOAD', message: t('imports.downloadFailed', { message: (error as Error).message }) });
    } finally {
      downloading.value = '';
    }
  }
  return { downloading, download };
}

export const importBase = base;
