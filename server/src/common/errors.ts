import { GraphQLError } from 'graphql';
import { GRAPHQL_ERROR_CODES } from '@ot/shared';

/**
 * The error contract, the same in every mode and over HTTP and WebSocket: each code a client can
 * see and the HTTP status it answers with. A response's status is that of its most severe error
 * (the highest status); see statusFromErrors.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** The HTTP status for a set of error codes (undefined when none is in the contract). */
export function statusFromErrors(codes: readonly unknown[]): number | undefined {
  let status: number | undefined;
  for (const code of codes) {
    const candidate = typeof code === 'string' ? HTTP_STATUS_BY_CODE[code] : undefined;
    if (candidate && (!status || candidate > status)) status = candidate;
  }
  return status;
}

/**
 * A GraphQL error with a code of the contract. `extensions.http` carries the status for the
 * places Apollo reads only that (errors thrown while building the request context).
 */
export function clientError(code: string, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  const status = HTTP_STATUS_BY_CODE[code];
  return new GraphQLError(message, { extensions: { code, ...(status ? { http: { status } } : {}), ...extensions } });
}

/** Errors that reach the client as GraphQL errors with `extensions.code`; everything else is masked. */
export function badInput(message: string, field?: string): GraphQLError {
  return clientError(GRAPHQL_ERROR_CODES.BAD_USER_INPUT, message, field ? { field } : {});
}

export function unauthenticated(message = 'Sign in first (Authorization: Bearer <token>).'): GraphQLError {
  return clientError(GRAPHQL_ERROR_CODES.UNAUTHENTICATED, message);
}

export function forbidden(message = 'You are not allowed to do this.'): GraphQLError {
  return clientError(GRAPHQL_ERROR_CODES.FORBIDDEN, message);
}

export function serviceUnavailable(message = 'The database is not reachable right now; try again shortly.'): GraphQLError {
  return clientError(GRAPHQL_ERROR_CODES.SERVICE_UNAVAILABLE, message);
}

/** A query over one of the limits (depth, aliases, cost …): refused like any invalid document. */
export function queryLimitError(message: string): GraphQLError {
  return clientError('GRAPHQL_VALIDATION_FAILED', message);
}

/** The admin's dev mailbox is asked for while mail goes out through SMTP: there is no copy to show. */
export function devMailboxOff(): GraphQLError {
  return new GraphQLError('The dev mailbox is off: mail goes out through SMTP (SMTP_URL is set) and no copy is kept readable.', {
    extensions: { code: 'DEV_MAILBOX_OFF', http: { status: 403 } },
  });
}

/** Codes whose message is meant for the client and passes the masking unchanged. */
export const CLIENT_SAFE_CODES = new Set<string>([
  GRAPHQL_ERROR_CODES.BAD_USER_INPUT,
  GRAPHQL_ERROR_CODES.UNAUTHENTICATED,
  GRAPHQL_ERROR_CODES.FORBIDDEN,
  GRAPHQL_ERROR_CODES.SERVICE_UNAVAILABLE,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
  'DEV_MAILBOX_OFF',
]);

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refuses an argument longer than any real value of it could be. */
export function limitLength(value: string, max: number, field: string): string {
  if (value.length > max) throw badInput(`${field} may be at most ${max} characters.`, field);
  return value;
}

/** IDs are UUIDs; anything else is refused before it reaches SQL. */
export function parseId(value: string, field = 'id'): string {
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw badInput(`${field} is not a valid id.`, field);
  return value.toLowerCase();
}

/** A setting that makes the process refuse to start; reported by its message alone. (Here, not in app/config, so that common/ code such as the secret box can raise it.) */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
