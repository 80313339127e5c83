import { Field, Int, ObjectType } from 'type-graphql';
import { errorType } from '../../common/error-result.js';
import { ForbiddenActionError, InputError } from '../../common/business-errors.js';
import { User } from './user.entity.js';
import { resultUnion } from '../../common/result-union.js';

@ObjectType({ simpleResolvers: true })
export class LoginSuccess {
  @Field(() => String, { description: 'Send as Authorization: Bearer <token>' })
  token!: string;
  @Field(() => Date)
  expiresAt!: Date;
  @Field(() => User)
  user!: User;
}

@ObjectType({ simpleResolvers: true, description: 'A seeded demo login (outside production only)' })
export class DemoAccount {
  @Field(() => String)
  email!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String, { description: 'ADMIN, CLERK, DEPT_HEAD or AUDITOR' })
  role!: string;
  @Field(() => String, { nullable: true, description: 'Department code' })
  department!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'How one can sign in here (public, for the sign-in page); other ways, such as single sign-on, would be listed beside the password',
})
export class SignInOptions {
  @Field(() => Boolean, { description: 'E-mail and password (login)' })
  passwordSignIn!: boolean;
  @Field(() => [DemoAccount], {
    description: 'Demo logins: empty in production, and once the demo users are gone or their passwords changed',
  })
  demoAccounts!: DemoAccount[];
  @Field(() => String, { nullable: true, description: 'The demo accounts’ password; null when there are none' })
  demoPassword!: string | null;
  @Field(() => Boolean, { description: 'Single sign-on (OpenID Connect) is on: the SPA offers it, starting at /auth/oidc/start' })
  singleSignOn!: boolean;
  @Field(() => String, { description: 'The company the app runs for (COMPANY_NAME): printed at the head of dossiers' })
  companyName!: string;
  @Field(() => String, { description: 'Where the app is reached (PUBLIC_URL): printed records link back under it' })
  publicUrl!: string;
  @Field(() => Int, { description: 'The largest attachment staff and keys may upload, in bytes (ATTACHMENT_MAX_BYTES)' })
  attachmentMaxBytes!: number;
  @Field(() => Int, { description: 'The largest file a customer may attach on the confirmation page, in bytes' })
  customerAttachmentMaxBytes!: number;
}

export const InvalidCredentialsError = errorType(
  'InvalidCredentialsError',
  'The e-mail or the password is wrong (which one is not said on purpose).',
);

export const PasswordSignInDisabledError = errorType(
  'PasswordSignInDisabledError',
  'Password sign-in is switched off (PASSWORD_SIGN_IN=off): sign in with single sign-on.',
);

export const LoginResult = resultUnion('LoginResult', LoginSuccess, [InvalidCredentialsError, PasswordSignInDisabledError]);

export const ChangePasswordResult = resultUnion('ChangePasswordResult', User, [InputError, ForbiddenActionError]);
