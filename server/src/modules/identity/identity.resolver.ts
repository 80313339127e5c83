import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ROLE_PERMISSIONS } from '@ot/shared';
import type { RequestContext } from '../../kernel/context.js';
import { Department } from './department.entity.js';
import { ChangePasswordResult, LoginResult, SignInOptions } from './identity.types.js';
import { User } from './user.entity.js';
import { seesStaffContact, staffView, viewerOf } from './staff-privacy.js';

const PRIVACY_NOTE =
  'null unless the reader is this user, an administrator, a clerk or a department head (API keys and the auditor see staff by name and department only)';

@Resolver(() => User)
export class IdentityResolver {
  @Query(() => SignInOptions, { description: 'Public. How one can sign in here, for the sign-in page.' })
  signInOptions(@Ctx() ctx: RequestContext) {
    return ctx.services.signInOptions.get(ctx.em);
  }

  @Mutation(() => LoginResult, { description: 'Public. Signs in and returns a bearer token.' })
  login(@Ctx() ctx: RequestContext, @Arg('email', () => String) email: string, @Arg('password', () => String) password: string) {
    return ctx.services.auth.login(ctx, email, password);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ends the current session; its token stops working.' })
  logout(@Ctx() ctx: RequestContext) {
    return ctx.services.auth.logout(ctx);
  }

  @Authorized()
  @Mutation(() => ChangePasswordResult, { description: 'Needs the current password; signs out every other session' })
  changePassword(
    @Ctx() ctx: RequestContext,
    @Arg('oldPassword', () => String) oldPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
  ) {
    return ctx.services.auth.changePassword(ctx, oldPassword, newPassword);
  }

  @Authorized()
  @Query(() => User, { nullable: true, description: 'The signed-in user (null for API keys)' })
  me(@Ctx() ctx: RequestContext) {
    return ctx.actor?.kind === 'user' ? ctx.loaders.one(User, ctx.actor.userId) : null;
  }

  @FieldResolver(() => Department, { nullable: true })
  department(@Root() user: User, @Ctx() ctx: RequestContext) {
    return user.department ? ctx.loaders.one(Department, user.department.code, 'code') : null;
  }

  @FieldResolver(() => String, { nullable: true, description: `E-mail address; ${PRIVACY_NOTE}` })
  email(@Root() user: User, @Ctx() ctx: RequestContext) {
    return staffView(viewerOf(ctx), user).email;
  }

  @FieldResolver(() => String, { nullable: true, description: `ADMIN, CLERK, DEPT_HEAD or AUDITOR; ${PRIVACY_NOTE}` })
  role(@Root() user: User, @Ctx() ctx: RequestContext) {
    return staffView(viewerOf(ctx), user).role;
  }

  @FieldResolver(() => [String], {
    description: 'What this user may do (from the role), for the client to show the right actions; empty where the role is null',
  })
  permissions(@Root() user: User, @Ctx() ctx: RequestContext) {
    return seesStaffContact(viewerOf(ctx), user.id) ? [...ROLE_PERMISSIONS[user.role]] : [];
  }
}
