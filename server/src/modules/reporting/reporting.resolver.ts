import { GraphQLJSONObject } from 'graphql-scalars';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Info, Query, Resolver } from 'type-graphql';
import { selectedPaths } from '../../common/selection.js';
import type { RequestContext } from '../../kernel/context.js';
import { StatsGroup, TerminationStats } from './reporting.types.js';

@Resolver()
export class ReportingResolver {
  @Authorized('terminations:read')
  @Query(() => TerminationStats, { description: 'Dashboard figures for terminations submitted between from and to' })
  terminationStats(
    @Ctx() ctx: RequestContext,
    @Arg('from', () => Date, { nullable: true }) from: Date | null,
    @Arg('to', () => Date, { nullable: true }) to: Date | null,
    @Arg('groupBy', () => [StatsGroup], { nullable: true, description: 'Which breakdowns to compute (default: all)' })
    groupBy: StatsGroup[] | null,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.services.reporting.stats(ctx, from, to, groupBy, selectedPaths(info));
  }

  @Authorized('terminations:read')
  @Query(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Everything on record about one termination (also at /terminations/<number>/dossier.json|.html)',
  })
  terminationDossier(@Ctx() ctx: RequestContext, @Arg('number', () => String) number: string) {
    return ctx.services.dossiers.build(ctx.em, { number: number.trim().slice(0, 40) });
  }
}
