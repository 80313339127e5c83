import type { ErrorCode } from '@ot/shared';
import { Field, ObjectType } from 'type-graphql';
import { ErrorResult, errorType, makeError } from './error-result.js';

export const NotFoundError = errorType('NotFoundError', 'The thing named does not exist (or is not visible to you).');
export const ValidationError = errorType('ValidationError', 'The input breaks a business rule; see message.');
export const InvalidTransitionError = errorType('InvalidTransitionError', 'Not possible in the current status.');
export const ActiveTerminationExistsError = errorType('ActiveTerminationExistsError', 'The order already has a running termination.');
export const NotYourDepartmentError = errorType('NotYourDepartmentError', 'Only the department concerned (or an admin) may do this.');
export const StepNotActiveError = errorType(
  'StepNotActiveError',
  'The approval step is not waiting for a decision (decided already, or its stage is not active).',
);
export const TokenInvalidError = errorType('TokenInvalidError', 'The confirmation link is not valid.');
export const TokenExpiredError = errorType('TokenExpiredError', 'The confirmation link has expired.');
export const TokenUsedError = errorType('TokenUsedError', 'The confirmation link was already used.');
export const IdempotencyKeyReusedError = errorType(
  'IdempotencyKeyReusedError',
  'The idempotency key was used before with different input.',
);
export const ConflictError = errorType('ConflictError', 'Someone else changed this at the same time; reload and try again.');
export const ForbiddenActionError = errorType('ForbiddenActionError', 'You may not do this to this record.');

@ObjectType({ simpleResolvers: true, implements: ErrorResult, description: 'An input field is wrong.' })
export class InputError extends ErrorResult {
  @Field(() => String, { nullable: true })
  field?: string | null;
}

/**
 * An expected refusal thrown from inside a transaction so that it rolls back; the service
 * boundary turns it into the typed result the client sees.
 */
export class Refusal extends Error {
  constructor(readonly result: ErrorResult) {
    super(result.message);
  }
}

export function refuse<T extends ErrorResult>(cls: new () => T, code: ErrorCode, message: string, extra?: Partial<T>): never {
  throw new Refusal(makeError(cls, code, message, extra));
}

/** Runs `fn`, returning a thrown Refusal's typed result instead of throwing it. */
export async function resultOf<T>(fn: () => Promise<T>): Promise<T | ErrorResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Refusal) return error.result;
    throw error;
  }
}
