import type { AllowedType } from './attachment-types.js';

export const FILE_NAME_MAX = 120;

/** Extensions that make a program or page of a file; never left inside a stored name. */
const RISKY = new Set(
  'exe com bat cmd msi scr pif cpl dll js mjs jse vbs vbe wsf wsh ps1 psm1 sh bash jar app html htm xhtml svg php asp aspx jsp hta lnk reg'.split(
    ' ',
  ),
);

/**
 * The name an attachment is stored and downloaded under: no folders (`../`, `C:\`), no control or
 * bidi-override characters, at most FILE_NAME_MAX characters, and ending in an extension of the
 * type its bytes have. Extensions that do not match are dropped, and a risky inner one
 * (`letter.exe.pdf`) is defused, so that "report.pdf.exe" holding a PDF becomes "report.pdf".
 */
export function sanitiseFileName(raw: string, type: AllowedType): string {
  // The last path segment only, whichever separator the client's system uses.
  let name = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  name = name.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  name = name.replace(/[<>:"|?*]/g, '_').trim();
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  const parts = name.split('.');
  let base = parts.length > 1 ? parts.slice(0, -1) : parts;
  let ext = parts.length > 1 ? parts.at(-1)!.toLowerCase() : '';
  // Trailing extensions of other types go: "photo.jpg.exe" (a JPEG) keeps "photo.jpg".
  while (!type.extensions.includes(ext) && base.length > 1) {
    ext = base.at(-1)!.toLowerCase();
    base = base.slice(0, -1);
  }
  if (!type.extensions.includes(ext)) {
    if (ext && parts.length > 1) base = [...base, ext];
    ext = type.extensions[0]!;
  }
  // A risky inner extension is joined with "_" ("invoice.exe" holding a PDF: "invoice_exe.pdf").
  const stem =
    base.reduce((acc, part, i) => (i === 0 ? part : `${acc}${RISKY.has(part.toLowerCase()) ? '_' : '.'}${part}`), '').trim() ||
    'attachment';
  const suffix = `.${ext}`;
  return (
    Array.from(stem)
      .slice(0, FILE_NAME_MAX - suffix.length)
      .join('') + suffix
  );
}
