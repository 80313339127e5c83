import { createUnionType, type ClassType } from 'type-graphql';
import { ErrorResult } from './error-result.js';

/**
 * `<Name>Result` = success | errors. Services return plain success objects and ErrorResult
 * instances; this tells them apart so services need not construct GraphQL classes.
 */
export function resultUnion(name: string, success: ClassType, errors: ClassType<ErrorResult>[]) {
  return createUnionType({
    name,
    types: () => [success, ...errors] as const,
    resolveType: (value) => (value instanceof ErrorResult ? (value.constructor as ClassType) : success),
  });
}
