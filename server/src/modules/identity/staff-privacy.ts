import type { Role } from '@ot/shared';
import type { Actor, UserActor } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';

/**
 * Who may see a staff member's e-mail address and role — the one rule for every path that shows
 * a user (GraphQL `User` wherever it appears, the dossier, exports, live events).
 *
 * Everyone who may read a termination sees who requested, decided or completed something by
 * name and department: that is the record. E-mail addresses and roles are for the people whose
 * work needs them: the user themself, administrators (user management), and the staff who work
 * the process together — clerks and department heads contact a requester or an approver about a
 * termination. Partner systems (API keys) and the auditor read the record, not the staff
 * directory: for them both are null.
 */
const COLLEAGUE_ROLES: ReadonlySet<Role> = new Set<Role>(['ADMIN', 'CLERK', 'DEPT_HEAD']);

export function seesStaffContact(viewer: Actor | null, subjectUserId: string): boolean {
  if (!viewer || viewer.kind !== 'user') return false;
  return viewer.userId === subjectUserId || COLLEAGUE_ROLES.has(viewer.role);
}

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: Role;
}

/** What `viewer` may see of a staff member: name always, e-mail and role only when entitled. */
export interface StaffView {
  name: string;
  email: string | null;
  role: Role | null;
}

export function staffView(viewer: Actor | null, user: StaffMember): StaffView {
  const entitled = seesStaffContact(viewer, user.id);
  return { name: user.name, email: entitled ? user.email : null, role: entitled ? user.role : null };
}

/**
 * Records handed to anyone with read access and kept (the dossier, CSV exports, live events,
 * the audit trail's actor names) carry what every reader may see, whoever fetches them.
 */
export const RECORD_READER: Actor | null = null;

/**
 * A successful login's answer is read by the user who just proved their password, though the
 * request came without credentials. Remembered per request, for what it may see only — it grants
 * no permission (the request's actor stays anonymous).
 */
const signedInDuring = new WeakMap<RequestContext, UserActor>();

export function rememberSignedIn(ctx: RequestContext, actor: UserActor): void {
  signedInDuring.set(ctx, actor);
}

/** Whose eyes a response is for: the request's actor, or the user a login in it signed in. */
export function viewerOf(ctx: RequestContext): Actor | null {
  return ctx.actor ?? signedInDuring.get(ctx) ?? null;
}
