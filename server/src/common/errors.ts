import { GraphQLError } from 'graphql';
import { GRAPHQL_ERROR_CODES } from '@ot/shared';

/** Errors that reach the client as GraphQL errors with `extensions.code`; everything else is masked. */
export function badInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: GRAPHQL_ERROR_CODES.BAD_USER_INPUT, ...(field ? { field } : {}) } });
}

export function unauthenticated(message = 'Sign in first (Authorization: Bearer <token>).'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: GRAPHQL_ERROR_CODES.UNAUTHENTICATED, http: { status: 401 } } });
}

export function forbidden(message = 'You are not allowed to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: GRAPHQL_ERROR_CODES.FORBIDDEN, http: { status: 403 } } });
}

export function serviceUnavailable(message = 'The database is not reachable right now; try again shortly.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: GRAPHQL_ERROR_CODES.SERVICE_UNAVAILABLE, http: { status: 503 } } });
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
