import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { parseId } from '../../common/errors.js';
import {
  CustomerConfirmationResult,
  ResendCustomerConfirmationResult,
  RespondToTerminationInput,
  RespondToTerminationResult,
} from './confirmation.types.js';

@Resolver()
export class ConfirmationResolver {
  @Query(() => CustomerConfirmationResult, { description: 'Public: the page behind the e-mailed link' })
  async customerConfirmation(@Ctx() ctx: RequestContext, @Arg('token', () => String) token: string) {
    return ctx.services.confirmations.publicView(ctx, token);
  }

  @Mutation(() => RespondToTerminationResult, { description: 'Public: the customer accepts or declines' })
  respondToTermination(@Ctx() ctx: RequestContext, @Arg('input', () => RespondToTerminationInput) input: RespondToTerminationInput) {
    return ctx.services.confirmations.publicRespond(ctx, input);
  }

  @Authorized('terminations:write')
  @Mutation(() => ResendCustomerConfirmationResult, { description: 'New link; the previous one stops working' })
  resendCustomerConfirmation(
    @Ctx() ctx: RequestContext,
    @Arg('terminationId', () => ID) terminationId: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
  ) {
    return ctx.services.confirmations.resend(ctx, parseId(terminationId, 'terminationId'), idempotencyKey);
  }
}
