/** Department codes; the database holds their names, these codes are what rules refer to. */
export const DEPARTMENTS = ['SALES', 'PURCHASING', 'WAREHOUSE', 'FINANCE', 'MANAGEMENT', 'CUSTOMER_SERVICE'] as const;
export type DepartmentCode = (typeof DEPARTMENTS)[number];

export const REASON_CATEGORIES = ['CUSTOMER', 'PRODUCT', 'SUPPLY', 'FINANCIAL', 'INTERNAL', 'OTHER'] as const;
export type ReasonCategory = (typeof REASON_CATEGORIES)[number];

export function isDepartmentCode(value: string): value is DepartmentCode {
  return (DEPARTMENTS as readonly string[]).includes(value);
}
