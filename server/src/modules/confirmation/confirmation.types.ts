import { COMMENT_MAX, type PreferredResolution } from '@ot/shared';
import { MaxLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import {
  ForbiddenActionError,
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  NotFoundError,
  TokenExpiredError,
  TokenInvalidError,
  TokenUsedError,
  ValidationError,
} from '../../common/business-errors.js';
import { LocalDateResolver } from 'graphql-scalars';
import { ContractClause, SilenceMeans } from '../order/contract.entity.js';
import { ImpactLine } from '../termination/impact.types.js';
import { TerminationSuccess } from '../termination/termination.types.js';
import { PreferredResolutionEnum } from './customer-confirmation.entity.js';
import { resultUnion } from '../../common/result-union.js';

@ObjectType({ simpleResolvers: true, description: 'A line as the customer reads it: the product in both languages, the unit' })
export class CustomerLine extends ImpactLine {
  @Field(() => String, { nullable: true, description: 'The product’s English name, where the catalogue has one' })
  productNameEn!: string | null;
  @Field(() => String, { nullable: true, description: 'The unit in Chinese (e.g. 台); a unit without a code as the ERP sent it' })
  unit!: string | null;
  @Field(() => String, { nullable: true, description: 'The unit in English (e.g. units); a unit without a code as the ERP sent it' })
  unitEn!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'What the customer sees behind the e-mailed link; nothing internal' })
export class CustomerConfirmationView {
  @Field(() => String, { nullable: true, description: 'The customer’s language (zh-CN or en); null: both' })
  language!: string | null;
  @Field(() => String, { description: 'The fee the customer still owes after netting against payments (0 when none)' })
  feeOutstanding!: string;
  @Field(() => String)
  terminationNumber!: string;
  @Field(() => String)
  orderNumber!: string;
  @Field(() => String)
  customerName!: string;
  @Field(() => String, { nullable: true, description: 'The customer’s English name, when the ERP has one' })
  customerNameEn!: string | null;
  @Field(() => String)
  reasonZh!: string;
  @Field(() => String)
  reasonEn!: string;
  @Field(() => String)
  explanation!: string;
  @Field(() => [CustomerLine])
  lines!: CustomerLine[];
  @Field(() => String)
  currency!: string;
  @Field(() => String)
  terminatedValue!: string;
  @Field(() => String)
  cancellationFee!: string;
  @Field(() => String)
  refundDue!: string;
  @Field(() => [ContractClause])
  contractClauses!: ContractClause[];
  @Field(() => Date)
  expiresAt!: Date;
  @Field(() => LocalDateResolver, { nullable: true, description: 'Last day to answer (Asia/Shanghai), when counted in working days' })
  deadlineDate!: string | null;
  @Field(() => SilenceMeans, { nullable: true, description: 'What the contract makes of no answer by the deadline' })
  silenceMeans!: SilenceMeans | null;
}

export const CustomerConfirmationResult = resultUnion('CustomerConfirmationResult', CustomerConfirmationView, [
  TokenInvalidError,
  TokenExpiredError,
  TokenUsedError,
]);

@InputType()
export class RespondToTerminationInput {
  @Field(() => String)
  @MaxLength(100)
  token!: string;
  @Field(() => Boolean)
  accept!: boolean;
  @Field(() => String, { nullable: true })
  @MaxLength(COMMENT_MAX)
  note?: string | null;
  @Field(() => PreferredResolutionEnum, { nullable: true })
  preferredResolution?: PreferredResolution | null;

  @Field(() => String, { nullable: true, description: 'A retried answer with the same key returns the first result' })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class RespondToTerminationSuccess {
  @Field(() => String)
  terminationNumber!: string;
  @Field(() => Boolean)
  accepted!: boolean;
  @Field(() => String, { description: 'The termination status after the answer' })
  status!: string;
}

export const RespondToTerminationResult = resultUnion('RespondToTerminationResult', RespondToTerminationSuccess, [
  TokenInvalidError,
  TokenExpiredError,
  TokenUsedError,
  InvalidTransitionError,
  ValidationError,
  IdempotencyKeyReusedError,
]);

export const ResendCustomerConfirmationResult = resultUnion('ResendCustomerConfirmationResult', TerminationSuccess, [
  NotFoundError,
  InvalidTransitionError,
  ForbiddenActionError,
  IdempotencyKeyReusedError,
]);
