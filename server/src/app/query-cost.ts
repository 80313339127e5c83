import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  Kind,
  valueFromAST,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  type DocumentNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/pagination.js';
import { queryLimitError } from '../common/errors.js';

/** Arguments that say how many items a list field returns. */
// `limit` sizes the lists that are a top N or an offset page rather than a cursor page.
const LIST_SIZE_ARGUMENTS = ['first', 'last', 'limit'];

/** The weights of graphql-armor's cost limit, which this replaces. */
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_COST_FACTOR = 1.5;

/**
 * The cost of the operation that will run, with the values it will really run with: a list size
 * (`first`) comes from the literal, else the variable, else the variable's default, else the
 * argument's default in the schema, else the server's page size. graphql-armor's cost rule runs
 * during validation, before variables exist, so `first: $n` counted as one item: a query refused
 * with `first: 100` was answered with `first: $n, n = 100`.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const given = variables ?? {};

  const sizeOf = (value: ValueNode | undefined, field: GraphQLField<unknown, unknown> | undefined, name: string): number => {
    let size: unknown;
    if (value?.kind === Kind.INT) size = Number(value.value);
    else if (value?.kind === Kind.VARIABLE) {
      const variable = value.name.value;
      if (Object.hasOwn(given, variable)) size = given[variable];
      else {
        const fallback = variableDefaults.get(variable);
        if (fallback?.kind === Kind.INT) size = Number(fallback.value);
      }
    }
    if (size === undefined && !value) {
      const argument = field?.args.find((a) => a.name === name);
      if (argument?.astNode?.defaultValue) size = valueFromAST(argument.astNode.defaultValue, argument.type);
      else if (argument?.defaultValue !== undefined) size = argument.defaultValue;
    }
    // Absent or null: the server's page size. Anything else that is not a count is refused later,
    // when the variables are coerced; it costs as one item meanwhile.
    if (size === undefined || size === null) return DEFAULT_PAGE_SIZE;
    // A list never holds more than a page: a larger `first` is refused by the field itself (a clear
    // BAD_USER_INPUT), before it does any work.
    return typeof size === 'number' && Number.isFinite(size) && size > 1 ? Math.min(size, MAX_PAGE_SIZE) : 1;
  };

  const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType | undefined, visiting: Set<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') continue;
        const field = parent && !isAbstractType(parent) ? parent.getFields()[name] : undefined;
        if (!selection.selectionSet) {
          total += SCALAR_COST;
          continue;
        }
        let multiplier = 1;
        for (const argumentName of LIST_SIZE_ARGUMENTS) {
          const declared = field?.args.some((a) => a.name === argumentName);
          const passed = selection.arguments?.find((a) => a.name.value === argumentName);
          if (declared || passed) multiplier = Math.max(multiplier, sizeOf(passed?.value, field, argumentName));
        }
        const type = field ? getNamedType(field.type) : undefined;
        const child = type && isCompositeType(type) ? type : undefined;
        total += (OBJECT_COST + DEPTH_COST_FACTOR * selectionCost(selection.selectionSet, child, visiting)) * multiplier;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        const type = condition && isCompositeType(condition) ? condition : undefined;
        total += OBJECT_COST + DEPTH_COST_FACTOR * selectionCost(selection.selectionSet, type, visiting);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A cycle never gets this far (validation refuses it); this only keeps the walk finite.
        if (!fragment || visiting.has(name)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value);
        visiting.add(name);
        total +=
          SCALAR_COST +
          DEPTH_COST_FACTOR *
            selectionCost(fragment.selectionSet, condition && isCompositeType(condition) ? condition : undefined, visiting);
        visiting.delete(name);
      }
    }
    return total;
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return selectionCost(operation.selectionSet, root ?? undefined, new Set());
}

/** The cost limit as a refusal, or null when the operation is within it. */
export function costProblem(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
  maxCost: number,
) {
  const cost = operationCost(schema, document, operation, variables);
  if (cost <= maxCost) return null;
  return queryLimitError(`Query cost limit of ${maxCost} exceeded, found ${Math.ceil(cost)}.`);
}
