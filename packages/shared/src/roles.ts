export const ROLES = ['ADMIN', 'CLERK', 'DEPT_HEAD', 'AUDITOR'] as const;
export type Role = (typeof ROLES)[number];

/** Permissions are what operations check; roles map to them in one place. */
export const PERMISSIONS = [
  'orders:read',
  'terminations:read',
  'terminations:write',
  /** Submitting only: what a partner key with terminations:write gets (never approving or withdrawing). */
  'terminations:submit',
  'approvals:decide',
  'followups:complete',
  'events:subscribe',
  'admin:manage',
  /** Writing the company's own records (customers, orders, POs, stock …) by their ERP ids. */
  'erp:sync',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  ADMIN: PERMISSIONS,
  CLERK: ['orders:read', 'terminations:read', 'terminations:write', 'terminations:submit', 'followups:complete', 'events:subscribe'],
  DEPT_HEAD: [
    'orders:read',
    'terminations:read',
    'terminations:write',
    'terminations:submit',
    'approvals:decide',
    'followups:complete',
    'events:subscribe',
  ],
  AUDITOR: ['orders:read', 'terminations:read', 'events:subscribe'],
};

/** Scopes an API key can hold, and the permissions each grants. */
export const API_KEY_SCOPES = ['orders:read', 'terminations:read', 'terminations:write', 'events:subscribe', 'erp:sync'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const SCOPE_PERMISSIONS: Record<ApiKeyScope, readonly Permission[]> = {
  'orders:read': ['orders:read'],
  'terminations:read': ['terminations:read'],
  'terminations:write': ['terminations:submit'],
  'events:subscribe': ['events:subscribe'],
  'erp:sync': ['erp:sync'],
};
