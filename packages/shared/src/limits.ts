/** Longest explanation a termination request may carry: the API validates it, the wizard counts down to it. */
export const EXPLANATION_MAX = 2000;

/**
 * Longest comment a person writes beside an action: a rejection comment, a withdrawal reason, a
 * customer's note, a follow-up's note. The API validates it; the dialogs count down to it.
 */
export const COMMENT_MAX = 2000;

/** Longest reason for adjusting a cancellation fee (audited and shown to the departments). */
export const FEE_REASON_MAX = 1000;

/**
 * The shortest search term the order and termination lists look for inside numbers (a trigram
 * index needs three characters; shorter fragments match customer names only). The lists say so
 * when a shorter search finds nothing.
 */
export const MIN_NUMBER_FRAGMENT = 3;

/** Whether `term` (trimmed) is long enough to be looked for inside numbers. */
export function searchesNumbers(term: string): boolean {
  return [...term].length >= MIN_NUMBER_FRAGMENT;
}
