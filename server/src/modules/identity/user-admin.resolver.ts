import { ROLES, type Role } from '@ot/shared';
import { IsEmail, IsOptional, MaxLength } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, Query, Resolver, registerEnumType } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError } from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { User } from './user.entity.js';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };
registerEnumType(RoleEnum, { name: 'Role' });

@InputType()
export class UserInput {
  @Field(() => String, { nullable: true, description: 'Only when creating' })
  @IsOptional()
  @IsEmail()
  @MaxLength(200)
  email?: string | null;
  @Field(() => String)
  @MaxLength(100)
  name!: string;
  @Field(() => RoleEnum)
  role!: Role;
  @Field(() => String, { nullable: true })
  @MaxLength(32)
  department?: string | null;
  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Required when creating; setting it signs the user out everywhere' })
  @MaxLength(200)
  password?: string | null;
}

export const UserResult = resultUnion('UserResult', User, [InputError, NotFoundError]);

/** Administrators maintain who may sign in, with which role and department. */
@Resolver(() => User)
export class UserAdminResolver {
  @Authorized('admin:manage')
  @Query(() => [User])
  users(@Ctx() ctx: RequestContext) {
    return ctx.services.userAdmin.list(ctx);
  }

  @Authorized('admin:manage')
  @Mutation(() => UserResult)
  createUser(@Ctx() ctx: RequestContext, @Arg('input', () => UserInput) input: UserInput) {
    return ctx.services.userAdmin.create(ctx, input);
  }

  @Authorized('admin:manage')
  @Mutation(() => UserResult)
  updateUser(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('input', () => UserInput) input: UserInput) {
    return ctx.services.userAdmin.update(ctx, id, input);
  }
}
