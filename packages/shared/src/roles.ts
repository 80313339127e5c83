export const ROLES = ['ADMIN', 'CLERK', 'DEPT_HEAD', 'AUDITOR'] as const;
export type Role = (typeof ROLES)[number];

/** Permissions are what operations check; roles map to them in one place. */
export const PERMISSIONS = [
  'orders:read',
  'terminations:read',
  'terminations:write',
  'approvals:decide',
  'followups:complete',
  'events:subscribe',
  'admin:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  ADMIN: PERMISSIONS,
  CLERK: ['orders:read', 'terminations:read', 'terminations:write', 'followups:complete', 'events:subscribe'],
  DEPT_HEAD: ['orders:read', 'terminations:read', 'terminations:write', 'approvals:decide', 'followups:complete', 'events:subscribe'],
  AUDITOR: ['orders:read', 'terminations:read', 'events:subscribe'],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
