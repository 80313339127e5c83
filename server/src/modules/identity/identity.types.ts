import { Field, ObjectType } from 'type-graphql';
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

export const InvalidCredentialsError = errorType(
  'InvalidCredentialsError',
  'The e-mail or the password is wrong (which one is not said on purpose).',
);

export const LoginResult = resultUnion('LoginResult', LoginSuccess, [InvalidCredentialsError]);

export const ChangePasswordResult = resultUnion('ChangePasswordResult', User, [InputError, ForbiddenActionError]);
