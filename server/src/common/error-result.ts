import { ERROR_CODES, type ErrorCode } from '@ot/shared';
import { Field, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';

export const ErrorCodeEnum = Object.fromEntries(ERROR_CODES.map((c) => [c, c])) as { [K in ErrorCode]: K };
registerEnumType(ErrorCodeEnum, { name: 'ErrorCode', description: 'Why a business operation was refused' });

@InterfaceType({ description: 'An expected refusal: the operation changed nothing.' })
export abstract class ErrorResult {
  @Field(() => ErrorCodeEnum)
  code!: ErrorCode;
  @Field(() => String)
  message!: string;
}

/** Declares a concrete error type `<name>` implementing ErrorResult. */
export function errorType(name: string, description: string) {
  @ObjectType(name, { simpleResolvers: true, implements: ErrorResult, description })
  class Err extends ErrorResult {}
  return Err;
}

export function makeError<T extends ErrorResult>(cls: new () => T, code: ErrorCode, message: string, extra?: Partial<T>): T {
  return Object.assign(new cls(), { code, message }, extra);
}
