import type { Permission } from '@ot/shared';
import type { AuthCheckerInterface, MiddlewareFn, ResolverData } from 'type-graphql';
import { forbidden, unauthenticated } from '../common/errors.js';
import type { RequestContext } from '../kernel/context.js';

/** Root fields anyone may call without signing in. Everything else needs an actor. */
export const PUBLIC_OPERATIONS = new Set(['signInOptions', 'login', 'completeSsoSignIn', 'customerConfirmation', 'respondToTermination']);

/** `@Authorized('perm', …)`: signed in, and holding every listed permission. */
export class PermissionAuthChecker implements AuthCheckerInterface<RequestContext> {
  check({ context }: ResolverData<RequestContext>, permissions: string[]): boolean {
    if (!context.actor) throw unauthenticated();
    const missing = permissions.filter((p) => !context.actor!.permissions.has(p as Permission));
    if (missing.length > 0) throw forbidden(`This needs the permission ${missing.join(', ')}.`);
    return true;
  }
}

/** Secure by default: a root field not named public refuses anonymous callers, even without @Authorized. */
export const requireActorOnRootFields: MiddlewareFn<RequestContext> = async ({ context, info }, next) => {
  const root = info.parentType.name;
  const isRoot = root === 'Query' || root === 'Mutation' || root === 'Subscription';
  if (isRoot && !context.actor && !PUBLIC_OPERATIONS.has(info.fieldName)) throw unauthenticated();
  return next();
};
