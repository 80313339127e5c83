import { fileTypeFromFile } from 'file-type';

/**
 * The one list of what may be attached: documents and images. A file's type is what its bytes
 * say (file-type's sniffing), never the name or the Content-Type the client claimed.
 *
 * `sniffed` is file-type's answer (its ext); `extensions` are the names a file of this type may
 * carry, the first being the one given when the name has none of them.
 */
export interface AllowedType {
  mime: string;
  extensions: readonly string[];
  sniffed: string | null;
}

export const ALLOWED_ATTACHMENT_TYPES: readonly AllowedType[] = [
  { mime: 'application/pdf', extensions: ['pdf'], sniffed: 'pdf' },
  { mime: 'image/png', extensions: ['png'], sniffed: 'png' },
  { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], sniffed: 'jpg' },
  { mime: 'image/gif', extensions: ['gif'], sniffed: 'gif' },
  { mime: 'image/webp', extensions: ['webp'], sniffed: 'webp' },
  // Office Open XML: file-type opens the zip and reads [Content_Types].xml, so a plain zip is not one.
  { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], sniffed: 'docx' },
  { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], sniffed: 'xlsx' },
  { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extensions: ['pptx'], sniffed: 'pptx' },
  // Legacy Office files are all Compound File Binary: the extension says which program it is for.
  { mime: 'application/msword', extensions: ['doc'], sniffed: 'cfb' },
  { mime: 'application/vnd.ms-excel', extensions: ['xls'], sniffed: 'cfb' },
  // Text has no signature: it is accepted as text only when it is valid UTF-8 without NUL bytes.
  { mime: 'text/plain', extensions: ['txt'], sniffed: null },
  { mime: 'text/csv', extensions: ['csv'], sniffed: null },
];

/** Extensions named by the allowlist, for the SPA's file picker (`accept`). */
export const ALLOWED_EXTENSIONS = ALLOWED_ATTACHMENT_TYPES.flatMap((t) => t.extensions);

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * The allowed type of a finished upload, or null when it is not one. `text` says whether the
 * bytes were valid UTF-8 without NUL (checked while they arrived).
 */
export async function judgeContent(file: string, fileName: string, text: boolean): Promise<AllowedType | null> {
  const sniffed = await fileTypeFromFile(file);
  const ext = extensionOf(fileName);
  if (!sniffed) {
    if (!text) return null;
    return (
      ALLOWED_ATTACHMENT_TYPES.find((t) => t.sniffed === null && t.extensions.includes(ext)) ??
      ALLOWED_ATTACHMENT_TYPES.find((t) => t.mime === 'text/plain')!
    );
  }
  const candidates = ALLOWED_ATTACHMENT_TYPES.filter((t) => t.sniffed === sniffed.ext);
  if (candidates.length <= 1) return candidates[0] ?? null;
  // Several types share a container (cfb): the name decides among them, and must name one.
  return candidates.find((t) => t.extensions.includes(ext)) ?? null;
}
