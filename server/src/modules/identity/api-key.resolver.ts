import type { ApiKeyScope } from '@ot/shared';
import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError } from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { ApiKey, ApiKeyScopeEnum } from './api-key.entity.js';
import { User } from './user.entity.js';

@InputType()
export class CreateApiKeyInput {
  @Field(() => String)
  @MaxLength(100)
  name!: string;
  @Field(() => [ApiKeyScopeEnum])
  @ArrayMaxSize(10)
  scopes!: ApiKeyScope[];
  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;
  @Field(() => String, { nullable: true, description: 'Department code the key acts for; required with FOLLOW_UPS_WRITE' })
  @MaxLength(32)
  department?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class CreateApiKeySuccess {
  @Field(() => ApiKey)
  apiKey!: ApiKey;
  @Field(() => String, { description: 'Shown this once; send as Authorization: Bearer <secret>' })
  secret!: string;
}

export const CreateApiKeyResult = resultUnion('CreateApiKeyResult', CreateApiKeySuccess, [InputError]);
export const RevokeApiKeyResult = resultUnion('RevokeApiKeyResult', ApiKey, [NotFoundError]);

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized('admin:manage')
  @Query(() => [ApiKey], { description: 'Admin: partner keys with their last use' })
  apiKeys(@Ctx() ctx: RequestContext) {
    return ctx.services.apiKeys.list(ctx);
  }

  @Authorized('admin:manage')
  @Mutation(() => CreateApiKeyResult)
  createApiKey(@Ctx() ctx: RequestContext, @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput) {
    return ctx.services.apiKeys.create(ctx, input);
  }

  @Authorized('admin:manage')
  @Mutation(() => RevokeApiKeyResult)
  revokeApiKey(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return ctx.services.apiKeys.revoke(ctx, id);
  }

  @FieldResolver(() => User)
  createdBy(@Root() key: ApiKey, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(User, key.createdBy.id);
  }
}
