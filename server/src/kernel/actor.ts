import { ROLE_PERMISSIONS, type Permission, type Role } from '@ot/shared';

/** Who is making a request: a signed-in user or a partner system's API key. */
export type Actor = UserActor | ApiKeyActor;

export interface UserActor {
  kind: 'user';
  userId: string;
  sessionId: string;
  name: string;
  email: string;
  role: Role;
  departmentCode: string | null;
  permissions: ReadonlySet<Permission>;
  /** When the session ends: live connections are closed then. */
  expiresAt: Date;
}

export interface ApiKeyActor {
  kind: 'apiKey';
  apiKeyId: string;
  name: string;
  /** The user the key acts for when it submits (audit and "requested by"). */
  ownerUserId: string | null;
  /** The one department the key acts for (follow-up tasks), when it is bound to one. */
  departmentCode: string | null;
  expiresAt: Date | null;
  permissions: ReadonlySet<Permission>;
}

export function userActor(input: Omit<UserActor, 'kind' | 'permissions'>): UserActor {
  return { kind: 'user', ...input, permissions: new Set(ROLE_PERMISSIONS[input.role]) };
}

/** What a background job needs of the user it acts for (a User entity, with its department loaded). */
export interface JobRequester {
  id: string;
  name: string;
  email: string;
  role: Role;
  department?: { code: string } | null;
}

/**
 * The user a background job (a bulk run, a spreadsheet import) acts as: whoever requested it,
 * with their role's permissions now, in a session named after the job (`bulk:<run id>`) that
 * outlasts any run by far (a day).
 */
export function jobActor(user: JobRequester, sessionId: string): UserActor {
  return userActor({
    userId: user.id,
    sessionId,
    name: user.name,
    email: user.email,
    role: user.role,
    departmentCode: user.department?.code ?? null,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
}

/** Departments whose boards and steps an actor may act for. ADMIN may act for all. */
export function actsForDepartment(actor: Actor | null, departmentCode: string): boolean {
  if (!actor || actor.kind !== 'user') return false;
  if (actor.role === 'ADMIN') return true;
  return actor.role === 'DEPT_HEAD' && actor.departmentCode === departmentCode;
}
