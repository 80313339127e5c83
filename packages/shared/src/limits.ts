/** Longest explanation a termination request may carry: the API validates it, the wizard counts down to it. */
export const EXPLANATION_MAX = 2000;

/**
 * Longest comment a person writes beside an action: a rejection comment, a withdrawal reason, a
 * customer's note, a follow-up's note. The API validates it; the dialogs count down to it.
 */
export const COMMENT_MAX = 2000;

/** Longest reason for adjusting a cancellation fee (audited and shown to the departments). */
export const FEE_REASON_MAX = 1000;
