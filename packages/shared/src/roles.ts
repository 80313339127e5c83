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
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** A department head holds every permission but administration (a new permission reaches heads and clerks too: say so here if it should not). */
const DEPT_HEAD_PERMISSIONS = PERMISSIONS.filter((p) => p !== 'admin:manage');

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  ADMIN: PERMISSIONS,
  /** A clerk does what a department head does, but never decides an approval. */
  CLERK: DEPT_HEAD_PERMISSIONS.filter((p) => p !== 'approvals:decide'),
  DEPT_HEAD: DEPT_HEAD_PERMISSIONS,
  AUDITOR: ['orders:read', 'terminations:read', 'events:subscribe'],
};

/** Scopes an API key can hold, and the permissions each grants. */
export const API_KEY_SCOPES = ['orders:read', 'terminations:read', 'terminations:write', 'events:subscribe'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const SCOPE_PERMISSIONS: Record<ApiKeyScope, readonly Permission[]> = {
  'orders:read': ['orders:read'],
  'terminations:read': ['terminations:read'],
  'terminations:write': ['terminations:submit'],
  'events:subscribe': ['events:subscribe'],
};
