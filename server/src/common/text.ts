/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern that finds the text, wildcards and all, anywhere in the column. */
export function likePattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
