import { describe, expect, it } from 'vitest';
import { FEE_ADJUSTABLE_STATUSES, mayAdjustCancellationFee } from './fees.js';
import { FINAL_STATUSES } from './lifecycle.js';

describe('cancellation fee adjustment', () => {
  it('is for the head of finance only', () => {
    expect(mayAdjustCancellationFee({ role: 'DEPT_HEAD', departmentCode: 'FINANCE' })).toBe(true);
    expect(mayAdjustCancellationFee({ role: 'DEPT_HEAD', departmentCode: 'SALES' })).toBe(false);
    expect(mayAdjustCancellationFee({ role: 'ADMIN', departmentCode: null })).toBe(false);
    expect(mayAdjustCancellationFee({ role: 'CLERK', departmentCode: 'FINANCE' })).toBe(false);
  });

  it('only before the effect', () => {
    expect(FEE_ADJUSTABLE_STATUSES).not.toContain('EFFECTIVE');
    for (const status of FINAL_STATUSES) expect(FEE_ADJUSTABLE_STATUSES).not.toContain(status);
  });
});
