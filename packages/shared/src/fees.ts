import type { TerminationStatus } from './lifecycle.js';

/** Before the effect the cancellation fee can still change; after it, the settlement holds it. */
export const FEE_ADJUSTABLE_STATUSES: readonly TerminationStatus[] = ['PENDING_APPROVAL', 'AWAITING_CUSTOMER'];

/**
 * Who may lower or waive a cancellation fee: the head of finance alone (administrators configure,
 * they do not settle money). The API enforces it; the SPA uses it to offer the action.
 */
export function mayAdjustCancellationFee(user: { role: string | null | undefined; departmentCode: string | null | undefined }): boolean {
  return user.role === 'DEPT_HEAD' && user.departmentCode === 'FINANCE';
}
