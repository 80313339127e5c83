import type { Role } from '@ot/shared';
import { MaxLength } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError } from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { RoleEnum } from '../identity/user-admin.resolver.js';
import { SsoClaimEnum, SsoClaimMapping, type SsoClaim } from './sso-claim-mapping.entity.js';

@InputType()
export class SsoClaimMappingInput {
  @Field(() => SsoClaimEnum)
  claim!: SsoClaim;
  @Field(() => String, {
    description: 'The claim value as the identity provider sends it; the same claim and value again replaces the mapping',
  })
  @MaxLength(200)
  value!: string;
  @Field(() => RoleEnum, { nullable: true, description: 'For ROLE' })
  role?: Role | null;
  @Field(() => String, { nullable: true, description: 'For DEPARTMENT: a department code' })
  @MaxLength(32)
  department?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class SsoClaimMappingDeleted {
  @Field(() => ID)
  id!: string;
}

export const SetSsoClaimMappingResult = resultUnion('SetSsoClaimMappingResult', SsoClaimMapping, [InputError]);
export const DeleteSsoClaimMappingResult = resultUnion('DeleteSsoClaimMappingResult', SsoClaimMappingDeleted, [NotFoundError]);

/** Single sign-on: which role and department the identity provider's claim values stand for. */
@Resolver()
export class SsoClaimMappingResolver {
  @Authorized('admin:manage')
  @Query(() => [SsoClaimMapping], { description: 'Claim values of single sign-on and what they map to, by claim and value' })
  ssoClaimMappings(@Ctx() ctx: RequestContext) {
    return ctx.services.ssoClaimMappings.list(ctx);
  }

  @Authorized('admin:manage')
  @Mutation(() => SetSsoClaimMappingResult, { description: 'Maps a claim value to a role or a department (creates or replaces)' })
  setSsoClaimMapping(@Ctx() ctx: RequestContext, @Arg('input', () => SsoClaimMappingInput) input: SsoClaimMappingInput) {
    return ctx.services.ssoClaimMappings.set(ctx, input);
  }

  @Authorized('admin:manage')
  @Mutation(() => DeleteSsoClaimMappingResult)
  deleteSsoClaimMapping(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return ctx.services.ssoClaimMappings.delete(ctx, id);
  }
}
