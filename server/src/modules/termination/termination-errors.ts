import { Field, ObjectType } from 'type-graphql';
import { ErrorResult } from '../../common/error-result.js';
import { ImpactIssue } from './impact.types.js';

@ObjectType({ simpleResolvers: true, implements: ErrorResult, description: 'Terminating is not possible now; blockers say why.' })
export class TerminationBlockedError extends ErrorResult {
  @Field(() => [ImpactIssue])
  blockers!: ImpactIssue[];
}
