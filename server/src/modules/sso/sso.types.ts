import { errorType } from '../../common/error-result.js';
import { resultUnion } from '../../common/result-union.js';
import { LoginSuccess } from '../identity/identity.types.js';

export const SsoCodeInvalidError = errorType(
  'SsoCodeInvalidError',
  'The one-time sign-in code is unknown, used already or older than a minute: sign in with SSO again.',
);

export const CompleteSsoSignInResult = resultUnion('CompleteSsoSignInResult', LoginSuccess, [SsoCodeInvalidError]);
