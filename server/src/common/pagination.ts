import type { ClassType } from 'type-graphql';
import { Field, Int, ObjectType } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, UUID_RE } from './errors.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** How far `boundedCount` counts: beyond it a list says "10 000+" instead of counting every row. */
export const COUNT_BOUND = 10_000;

@ObjectType({ simpleResolvers: true, description: 'A count that stops at a bound, so that it costs the same whatever the volume' })
export class BoundedCount {
  @Field(() => Int, { description: `The number of rows, at most ${COUNT_BOUND}` })
  count!: number;
  @Field(() => Boolean, { description: `False when there are more than count (show "${COUNT_BOUND}+")` })
  exact!: boolean;
}

/**
 * SQL counting the rows a `select …` statement returns, stopping after COUNT_BOUND + 1: the
 * statement reads at most that many rows whatever the table size. Gives one row `{ n }`.
 */
export function boundedCountSql(select: string): string {
  return `select count(*)::int as n from (${select} limit ${COUNT_BOUND + 1}) bounded`;
}

/** A BoundedCount from a count taken by boundedCountSql. */
export function boundedCount(n: number): BoundedCount {
  return n > COUNT_BOUND ? { count: COUNT_BOUND, exact: false } : { count: n, exact: true };
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;
  @Field(() => Boolean)
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true })
  startCursor!: string | null;
  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** A number, or a function called only when the query selects totalCount (no count query otherwise). */
  totalCount: number | (() => Promise<number>);
  /** Counted only when the query selects it; lists without a cheaper way count exactly. */
  boundedCount: BoundedCount | Promise<BoundedCount>;
}

/** Builds a Relay connection type `<Name>Connection` with its `<Name>Edge`. */
export function ConnectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field(() => node)
    node!: T;
    @Field(() => String)
    cursor!: string;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];
    @Field(() => PageInfo)
    pageInfo!: PageInfo;
    // Counted on demand: the value may be a promise, so the field keeps a resolver (a field
    // without one is read as a plain value by the compiled executor).
    @Field(() => Int, { simple: false, description: 'The exact number of rows: its cost grows with the rows matched' })
    totalCount!: number;
    @Field(() => BoundedCount, {
      simple: false,
      description: `The number of rows counted up to ${COUNT_BOUND}: cheap whatever the volume, for a list's "N results"`,
    })
    boundedCount!: BoundedCount;
  }
  return ConnectionClass;
}

export interface PageRequest {
  limit: number;
  /** Keyset position: the sort value and id of the last row seen. */
  after: [string, string] | null;
}

/** Validates `first`/`after`: first is 1..100, after an opaque cursor from an earlier page. */
export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const limit = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
  }
  return { limit, after: after ? decodeCursor(after) : null };
}

function encodeCursor(sortValue: string, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Every list sorts by a date or timestamp, then by the UUID id.
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value[0]) &&
      !Number.isNaN(Date.parse(value[0])) &&
      UUID_RE.test(value[1])
    ) {
      return value as [string, string];
    }
  } catch {
    // fall through to the error below
  }
  throw badInput('after is not a cursor returned by this API.', 'after');
}

class LazyEdge<T extends { id: string }> implements Edge<T> {
  constructor(
    readonly node: T,
    private readonly sortValue: (row: T) => string,
  ) {}

  get cursor(): string {
    return encodeCursor(this.sortValue(this.node), this.node.id);
  }
}

/** Turns rows fetched with limit + 1 into a connection page. */
export function toConnection<T extends { id: string }>(
  rows: T[],
  page: PageRequest,
  totalCount: number | (() => Promise<number>),
  sortValue: (row: T) => string,
  countBounded?: () => Promise<number>,
): Connection<T> {
  const hasNextPage = rows.length > page.limit;
  const pageRows = hasNextPage ? rows.slice(0, page.limit) : rows;
  // A cursor is encoded only when read (most list queries select none, or only endCursor).
  const edges = pageRows.map((node) => new LazyEdge(node, sortValue));
  const connection: Connection<T> = {
    edges,
    totalCount: 0,
    boundedCount: { count: 0, exact: true },
    pageInfo: {
      hasNextPage,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
  if (typeof totalCount === 'number') connection.totalCount = totalCount;
  else {
    // Read (and counted) only when the query selects totalCount.
    let counted: Promise<number> | undefined;
    Object.defineProperty(connection, 'totalCount', { enumerable: true, get: () => (counted ??= totalCount()) });
  }
  // Read (and counted) only when selected; without a bounded way to count, the exact count, capped.
  let bounded: Promise<BoundedCount> | undefined;
  const countUpToBound = countBounded ?? (async () => connection.totalCount as number);
  Object.defineProperty(connection, 'boundedCount', {
    enumerable: true,
    get: () => (bounded ??= countUpToBound().then(boundedCount)),
  });
  return connection;
}

/**
 * A page of `entity` rows matching `where`, newest first (createdAt, then id), by keyset from
 * `page.after`; the total is counted only when read.
 */
export async function newestFirstPage<T extends { id: string; createdAt: Date }>(
  em: EntityManager,
  entity: { new (...args: never[]): T },
  where: Record<string, unknown>,
  page: PageRequest,
): Promise<Connection<T>> {
  const keyset = page.after
    ? {
        $or: [{ createdAt: { $lt: new Date(page.after[0]) } }, { createdAt: new Date(page.after[0]), id: { $lt: page.after[1] } }],
      }
    : {};
  const rows = (await em.find(entity, { ...where, ...keyset } as never, {
    orderBy: { createdAt: 'desc', id: 'desc' } as never,
    limit: page.limit + 1,
  })) as T[];
  return toConnection(
    rows,
    page,
    () => em.count(entity, where as never),
    (row) => row.createdAt.toISOString(),
  );
}
