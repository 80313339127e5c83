import { Entity, Enum, Property, Unique } from '@mikro-orm/core';
import { ROLES, type Role } from '@ot/shared';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { RoleEnum } from '../identity/user-admin.resolver.js';

export const SSO_CLAIMS = ['ROLE', 'DEPARTMENT'] as const;
export type SsoClaim = (typeof SSO_CLAIMS)[number];
export const SsoClaimEnum = { ROLE: 'ROLE', DEPARTMENT: 'DEPARTMENT' } as const satisfies { [K in SsoClaim]: K };
registerEnumType(SsoClaimEnum, {
  name: 'SsoClaim',
  description: 'Which claim of the identity provider a mapping reads: the role claim (OIDC_ROLE_CLAIM) or the department claim',
});

/**
 * One value of the identity provider's role or department claim and what it means here. Kept
 * by administrators: a sign-in whose role claim has no mapped value is refused.
 */
@ObjectType({
  simpleResolvers: true,
  description: 'A value of the identity provider’s role or department claim, mapped to a role or a department',
})
@Entity({ tableName: 'sso_claim_mapping' })
@Unique({ name: 'sso_claim_mapping_claim_value_unique', properties: ['claim', 'value'] })
export class SsoClaimMapping extends BaseEntity<'updatedAt'> {
  @Field(() => SsoClaimEnum)
  @Enum({ items: () => [...SSO_CLAIMS], type: 'string', length: 16 })
  claim!: SsoClaim;

  @Field(() => String, { description: 'The claim value as the identity provider sends it (compared exactly)' })
  @Property({ type: 'string', length: 200 })
  value!: string;

  @Field(() => RoleEnum, { nullable: true, description: 'ROLE mappings: the role it grants' })
  @Enum({ items: () => [...ROLES], type: 'string', nullable: true })
  role?: Role | null;

  @Field(() => String, {
    nullable: true,
    description: 'DEPARTMENT mappings: the department code it places the user in',
  })
  @Property({ type: 'string', length: 32, nullable: true })
  department?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
