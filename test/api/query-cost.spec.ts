import { getOperationAST, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import * as spaDocuments from '../../client/src/gql/graphql.js';
import { MAX_PAGE_SIZE } from '../../server/src/common/pagination.js';
import { loadConfig } from '../../server/src/app/config.js';
import { createAppPubSub } from '../../server/src/kernel/pubsub.js';
import { operationCost } from '../../server/src/app/query-cost.js';
import { buildAppSchema } from '../../server/src/app/schema.js';

let schema: Awaited<ReturnType<typeof buildAppSchema>>;
beforeAll(async () => {
  schema = await buildAppSchema(createAppPubSub(undefined).pubSub);
});

const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return operationCost(schema, document, getOperationAST(document) as OperationDefinitionNode, variables);
};

describe('operation cost', () => {
  const SELECTION = `edges { node { number lines { quantity } } }`;

  it('counts a list the same whether its size is a literal, a variable, a variable default or the page size', () => {
    const literal = cost(`{ orders(first: 100) { ${SELECTION} } }`);
    expect(cost(`query($n: Int) { orders(first: $n) { ${SELECTION} } }`, { n: 100 })).toBe(literal);
    expect(cost(`query($n: Int = 100) { orders(first: $n) { ${SELECTION} } }`)).toBe(literal);
    const pageSize = cost(`{ orders(first: 20) { ${SELECTION} } }`);
    expect(cost(`{ orders { ${SELECTION} } }`)).toBe(pageSize);
    expect(cost(`query($n: Int) { orders(first: $n) { ${SELECTION} } }`, {})).toBe(pageSize);
    expect(cost(`query($n: Int) { orders(first: $n) { ${SELECTION} } }`, { n: null })).toBe(pageSize);
    expect(literal).toBeCloseTo(pageSize * 5, 6);
  });

  it('counts fragments and aliases', () => {
    const one = cost(`{ orders(first: 10) { ${SELECTION} } }`);
    expect(cost(`{ a: orders(first: 10) { ${SELECTION} } b: orders(first: 10) { ${SELECTION} } }`)).toBe(2 * one);
    const viaFragment = cost(`query($n: Int) { orders(first: $n) { ...F } } fragment F on SalesOrderConnection { ${SELECTION} }`, {
      n: 10,
    });
    expect(viaFragment).toBeGreaterThan(one);
  });
});

/** Every query of the SPA, with each list at the largest page size (what the screens can ask for). */
const SPA_OPERATIONS = Object.entries(spaDocuments)
  .filter(([name, value]) => name.endsWith('Document') && (value as { kind?: string }).kind === 'Document')
  .map(([name, value]) => [name, value as unknown as DocumentNode] as const);

describe('the SPA stays within the default cost limit', () => {
  const limit = loadConfig({}).queryMaxCost;

  it('finds the SPA documents', () => {
    expect(SPA_OPERATIONS.length).toBeGreaterThan(20);
  });

  it.each(SPA_OPERATIONS)('%s', (_name, document) => {
    const operation = getOperationAST(document) as OperationDefinitionNode;
    const variables = Object.fromEntries(
      (operation.variableDefinitions ?? [])
        .filter((d) => d.variable.name.value === 'first' || d.variable.name.value === 'last')
        .map((d) => [d.variable.name.value, MAX_PAGE_SIZE]),
    );
    expect(operationCost(schema, document, operation, variables)).toBeLessThanOrEqual(limit);
  });
});
