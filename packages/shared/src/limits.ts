/** Longest explanation a termination request may carry: the API validates it, the wizard counts down to it. */
export const EXPLANATION_MAX = 2000;
