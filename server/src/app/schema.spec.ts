import { defaultFieldResolver, type GraphQLObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { createAppPubSub } from '../kernel/pubsub.js';
import { buildAppSchema } from './schema.js';

describe('object types', () => {
  it('resolve plain fields with graphql’s default resolver (authorization lives on root fields only)', async () => {
    const schema = await buildAppSchema(createAppPubSub(undefined).pubSub);
    // Every @ObjectType opts into simple resolvers: type-graphql would otherwise wrap each plain
    // property read of every list row in its middleware pipeline.
    const notSimple = getMetadataStorage()
      .objectTypes.filter((t) => t.simpleResolvers !== true)
      .map((t) => t.name);
    expect(notSimple).toEqual([]);

    // A plain property has no resolver of its own; a @FieldResolver keeps one.
    const termination = schema.getType('Termination') as GraphQLObjectType;
    expect(termination.getFields().number!.resolve ?? defaultFieldResolver).toBe(defaultFieldResolver);
    expect(termination.getFields().order!.resolve).toBeTypeOf('function');
  });
});
