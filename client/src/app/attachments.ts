import { downloadBlob } from './csv';
import { getToken } from './session';

/** What attaching answers with, or the refusal (code + message, as the other HTTP errors). */
export interface UploadedAttachment {
  id: string;
  name: string;
  size: number;
  sha256: string;
}
export interface AttachmentRefusal {
  code: string;
  message: string;
}

/** The kinds the server accepts (server/src/modules/attachment/attachment-types.ts), for the file picker. */
export const ATTACHMENT_ACCEPT = '.pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.doc,.xls,.txt,.csv';

async function refusal(res: Response): Promise<AttachmentRefusal> {
  try {
    const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    const first = body.errors?.[0];
    if (first) return { code: first.extensions?.code ?? 'BAD_REQUEST', message: first.message };
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return { code: res.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message: res.statusText };
}

/**
 * Sends one file: the target fields first (the server checks them before reading the file),
 * then the file. `path` is /attachments for staff, /confirmations/attachments for the customer.
 */
export async function uploadAttachment(
  fields: Record<string, string>,
  file: File,
  path = '/attachments',
): Promise<{ ok: true; attachment: UploadedAttachment } | { ok: false; error: AttachmentRefusal }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', file, file.name);
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      body: form,
      headers: token && path === '/attachments' ? { authorization: `Bearer ${token}` } : {},
    });
  } catch {
    return { ok: false, error: { code: 'NETWORK', message: '' } };
  }
  if (res.status === 201) return { ok: true, attachment: (await res.json()) as UploadedAttachment };
  return { ok: false, error: await refusal(res) };
}

/** Downloads with the session's credentials (a plain link would carry none) and saves under its name. */
export async function downloadAttachment(id: string, name: string): Promise<AttachmentRefusal | null> {
  const token = getToken();
  const res = await fetch(`/attachments/${encodeURIComponent(id)}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) return refusal(res);
  downloadBlob(await res.blob(), name);
  return null;
}

/** 1.2 MB, 20 MB, 340 KB, 12 B. */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** A file chosen in the browser's picker. */
export type PickedFile = File;

/** The files chosen in a file input's change event; the input is cleared so that the same file can be chosen again. */
export function takePickedFiles(event: Event): PickedFile[] {
  const input = event.target as HTMLInputElement;
  const files = [...(input.files ?? [])];
  input.value = '';
  return files;
}

/** A hidden file input, opened by a visible button (keyboard users reach the button). */
export type FilePicker = { click(): void } | null;
