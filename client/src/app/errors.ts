import type { ApolloError } from '@apollo/client/core';
import { i18n } from './i18n';

interface CodedError {
  code: string;
  message: string;
}

function codedErrors(error: unknown): CodedError[] {
  const apollo = error as Partial<ApolloError> | null;
  const graphQLErrors = [
    ...(apollo?.graphQLErrors ?? []),
    // Errors thrown before execution (e.g. while authenticating) come with a non-2xx status.
    ...((apollo?.networkError as { result?: { errors?: ApolloError['graphQLErrors'] } } | null)?.result?.errors ?? []),
  ];
  return graphQLErrors.map((e) => ({ code: String(e.extensions?.code ?? ''), message: e.message }));
}

/**
 * A message for the user in their language: known codes (typed `ErrorResult.code` or a GraphQL
 * error's `extensions.code`) are translated; other server messages are shown as sent.
 */
export function errorMessage(error: unknown): string {
  const { t, te } = i18n.global;
  const coded = (error as CodedError | null)?.code ? [error as CodedError] : codedErrors(error);
  const first = coded[0];
  if (first) {
    const key = `errors.${first.code}`;
    if (first.code && te(key)) return t(key, { message: first.message });
    return first.message || t('errors.unknown');
  }
  if ((error as Partial<ApolloError> | null)?.networkError) return t('errors.network');
  return t('errors.unknown');
}

/** A typed refusal from a `…Result` union (it implements `ErrorResult`). */
export function isErrorResult(value: unknown): value is CodedError {
  const v = value as Partial<CodedError> | null | undefined;
  return typeof v?.code === 'string' && typeof v.message === 'string';
}
