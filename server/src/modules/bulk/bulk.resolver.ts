import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { TOPICS, type BulkRunEvent } from '../../kernel/live-events.js';
import { parseId } from '../../common/errors.js';
import { User } from '../identity/user.entity.js';
import { maySubscribe } from '../live/live-access.js';
import { forbidden } from '../../common/errors.js';
import { BulkTerminationItem, BulkTerminationRun } from './bulk-run.entity.js';
import {
  BulkRunEventType,
  BulkTerminationResult,
  DecideApprovalsInput,
  DiscontinuationImpact,
  StepDecision,
  TerminateDiscontinuedProductInput,
} from './bulk.types.js';

@Resolver(() => BulkTerminationRun)
export class BulkResolver {
  @Authorized('terminations:read')
  @Query(() => DiscontinuationImpact, { description: 'What terminating every open order of a product would touch' })
  discontinuationImpact(@Ctx() ctx: RequestContext, @Arg('productSku', () => String) productSku: string) {
    return ctx.services.bulk.impact(ctx, productSku);
  }

  @Authorized('terminations:submit')
  @Mutation(() => BulkTerminationResult, {
    description: 'ADMIN or SALES head: discontinue the product and terminate its open orders in a background run',
  })
  terminateDiscontinuedProduct(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => TerminateDiscontinuedProductInput) input: TerminateDiscontinuedProductInput,
  ) {
    return ctx.services.bulk.start(ctx, input);
  }

  @Authorized('terminations:read')
  @Query(() => BulkTerminationRun, { nullable: true })
  bulkTerminationRun(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return ctx.services.bulk.get(ctx, id);
  }

  @Authorized('terminations:read')
  @Query(() => [BulkTerminationRun], { description: 'The latest 50 runs' })
  bulkTerminationRuns(@Ctx() ctx: RequestContext) {
    return ctx.services.bulk.list(ctx);
  }

  @FieldResolver(() => [BulkTerminationItem], { description: 'Orders skipped or failed, with the reason' })
  items(@Root() run: BulkTerminationRun, @Ctx() ctx: RequestContext) {
    return ctx.services.bulk.items(ctx, run.id);
  }

  @FieldResolver(() => User)
  requestedBy(@Root() run: BulkTerminationRun, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(User, run.requestedBy.id);
  }

  @Authorized('approvals:decide')
  @Mutation(() => [StepDecision], { description: 'Many decisions at once; each is authorized and race-safe on its own' })
  decideApprovals(@Ctx() ctx: RequestContext, @Arg('input', () => DecideApprovalsInput) input: DecideApprovalsInput) {
    return ctx.services.approvals.decideMany(ctx, input.stepIds, input.decision, input.comment);
  }

  @Subscription(() => BulkRunEventType, {
    subscribe: ({ args, context }: { args: { id: string }; context: RequestContext }) => {
      if (!maySubscribe(context.actor)) throw forbidden('Live events need read access.');
      const id = parseId(args.id);
      return context.services.events.subscribe<BulkRunEvent>(TOPICS.bulkRunChanged, (e) => e.runId === id);
    },
    description: 'Progress of a bulk run',
  })
  bulkTerminationRunChanged(@Root() event: BulkRunEvent, @Arg('id', () => ID) _id: string): BulkRunEvent {
    return event;
  }
}

@Resolver(() => BulkTerminationItem)
export class BulkItemResolver {
  @FieldResolver(() => String)
  orderNumber(@Root() item: BulkTerminationItem) {
    return item.order.number;
  }
}
