/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern that finds the text, wildcards and all, anywhere in the column. */
export function likePattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The value with every lone UTF-16 surrogate in its strings replaced by U+FFFD. PostgreSQL's jsonb
 * refuses `\ud800` escapes, and JSON.stringify writes a lone surrogate as one, so text a caller
 * sent (an id, a name) must be made well-formed before it goes into a JSON column.
 */
export function wellFormedJson<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map((item: unknown) => wellFormedJson(item)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [wellFormedJson(key), wellFormedJson(item)])) as T;
  }
  return value;
}

/** A spreadsheet must not run a cell as a formula (CSV injection). */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
