import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { IdempotencyKeyReusedError, InvalidTransitionError, NotFoundError } from '../../../common/business-errors.js';
import { resultUnion } from '../../../common/result-union.js';
import { ImportRowError, ImportRun } from './import-run.entity.js';

@InputType()
export class StartImportInput {
  @Field(() => ID)
  id!: string;
  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ImportRowErrorPage {
  @Field(() => Int)
  total!: number;
  @Field(() => [ImportRowError])
  items!: ImportRowError[];
}

export const StartImportResult = resultUnion('StartImportResult', ImportRun, [
  NotFoundError,
  InvalidTransitionError,
  IdempotencyKeyReusedError,
]);
