import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { SYNC_RECORD_KINDS } from '@ot/shared';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const SyncOutcome = graphqlEnum('SyncOutcome', ['CREATED', 'UPDATED', 'UNCHANGED', 'STALE', 'REJECTED']);
export type SyncOutcome = EnumValue<typeof SyncOutcome>;

export const SyncRecordKind = graphqlEnum('SyncRecordKind', SYNC_RECORD_KINDS);
export type SyncRecordKind = EnumValue<typeof SyncRecordKind>;

/** Every record carries these. */
// Not an input type of its own: type-graphql emits only types reachable from resolvers.
@InputType()
export abstract class SyncRecordInput {
  @Field(() => String, { description: 'The id of the record in the source system' })
  externalId!: string;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Monotonic per record: an older version than stored is STALE' })
  sourceVersion?: number | null;
}

/** Records by outcome: of one call (its result), or of a source's calls (the sync overview). */
@ObjectType({ simpleResolvers: true, description: 'Records of syncRecords calls by outcome' })
export class SyncOutcomeCounts {
  @Field(() => Int)
  created!: number;
  @Field(() => Int)
  updated!: number;
  @Field(() => Int)
  unchanged!: number;
  @Field(() => Int)
  stale!: number;
  @Field(() => Int)
  rejected!: number;
}
