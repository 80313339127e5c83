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
  /** Managing webhook endpoints: an admin manages all, a partner key only the ones it created. */
  'webhooks:manage',
  'admin:manage',
  /** Writing the company's own records (customers, orders, POs, stock …) by their ERP ids. */
  'erp:sync',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const CLERK_PERMISSIONS: readonly Permission[] = [
  'orders:read',
  'terminations:read',
  'terminations:write',
  'terminations:submit',
  'followups:complete',
  'events:subscribe',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  ADMIN: PERMISSIONS,
  CLERK: CLERK_PERMISSIONS,
  /** A department head works as a clerk does and also decides approvals (kept in PERMISSIONS' order). */
  DEPT_HEAD: PERMISSIONS.filter((p) => p === 'approvals:decide' || CLERK_PERMISSIONS.includes(p)),
  AUDITOR: ['orders:read', 'terminations:read', 'events:subscribe'],
};

/** Scopes an API key can hold, and the permissions each grants. */
export const API_KEY_SCOPES = [
  'orders:read',
  'terminations:read',
  'terminations:write',
  'events:subscribe',
  'follow_ups:write',
  'webhooks:manage',
  'erp:sync',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const SCOPE_PERMISSIONS: Record<ApiKeyScope, readonly Permission[]> = {
  'orders:read': ['orders:read'],
  'terminations:read': ['terminations:read'],
  'terminations:write': ['terminations:submit'],
  'events:subscribe': ['events:subscribe'],
  /** Completing follow-up tasks of the one department the key is bound to (a partner's acknowledgement). */
  'follow_ups:write': ['followups:complete'],
  'webhooks:manage': ['webhooks:manage'],
  'erp:sync': ['erp:sync'],
};

/** A scope's name in the API's `ApiKeyScope` enum: `follow_ups:write` is FOLLOW_UPS_WRITE. */
export function apiKeyScopeName(scope: ApiKeyScope): string {
  return scope.replace(':', '_').toUpperCase();
}

/** Scopes that act for one department: a key holding one must be bound to a department. */
export const DEPARTMENT_BOUND_SCOPES: readonly ApiKeyScope[] = ['follow_ups:write'];

/**
 * Who may terminate a discontinued product's open orders in bulk (issue #16: offer only what the user may do):
 * an administrator or the head of sales. The server checks it; the client shows the bulk page only to them.
 */
export function mayTerminateInBulk(user: { role: Role; departmentCode: string | null | undefined }): boolean {
  return user.role === 'ADMIN' || (user.role === 'DEPT_HEAD' && user.departmentCode === 'SALES');
}
