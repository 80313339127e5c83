import { defaultFieldResolver, type GraphQLObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { createAppPubSub } from '../kernel/pubsub.js';
import { buildAppSchema } from './schema.js';
import { Termination } from '../modules/termination/termination.entity.js';

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

describe('field resolvers called directly', () => {
  it('answer as through type-graphql, for a root of the field’s type and for a plain object', async () => {
    const schema = await buildAppSchema(createAppPubSub(undefined).pubSub);
    const impact = (schema.getType('Termination') as GraphQLObjectType).getFields().impact!.resolve!;
    const snapshot = { refundDue: '10.00', cancellationFee: '2.50', computedAt: '2026-12-01T10:00:00.000Z' };
    const call = (root: object) => impact(root, {}, {}, {} as never) as Record<string, unknown>;
    // A read model is an instance of the entity: called directly.
    const direct = call(Object.assign(Object.create(Termination.prototype) as object, { impact: snapshot }));
    // A plain object is converted by type-graphql first, as before.
    const converted = call({ impact: snapshot });
    const expected = { ...snapshot, fault: 'BUYER', contractFee: '2.50', feeAdjusted: false, computedAt: new Date(snapshot.computedAt) };
    expect(direct).toEqual(expected);
    expect(converted).toEqual(expected);
  });
});
