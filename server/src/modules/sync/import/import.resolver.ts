import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { forbidden } from '../../../common/errors.js';
import type { RequestContext } from '../../../kernel/context.js';
import { ApiKey } from '../../identity/api-key.entity.js';
import { User } from '../../identity/user.entity.js';
import { ImportPhase, ImportRun } from './import-run.entity.js';
import { ImportRowErrorPage, StartImportInput, StartImportResult } from './import.types.js';

@Resolver(() => ImportRun)
export class ImportResolver {
  @Authorized('erp:sync')
  @Query(() => ImportRun, { nullable: true, description: 'A spreadsheet import (upload: POST /imports, multipart)' })
  importRun(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return ctx.services.imports.get(ctx, id);
  }

  @Authorized('erp:sync')
  @Query(() => [ImportRun], { description: 'The latest 50 spreadsheet imports' })
  importRuns(@Ctx() ctx: RequestContext) {
    return ctx.services.imports.list(ctx);
  }

  @Authorized('erp:sync')
  @Mutation(() => StartImportResult, { description: 'Imports a file whose dry run is done, in a background run' })
  startImport(@Ctx() ctx: RequestContext, @Arg('input', () => StartImportInput) input: StartImportInput) {
    return ctx.services.imports.start(ctx, input);
  }

  @Subscription(() => ImportRun, {
    nullable: true,
    subscribe: ({ args, context }: { args: { id: string }; context: RequestContext }) => {
      // Who may read runs (administrators, ERP_SYNC keys) may follow them.
      if (!context.actor?.permissions.has('erp:sync')) throw forbidden('Import progress is for administrators and ERP_SYNC keys.');
      return context.services.imports.watch(context, args.id);
    },
    description: 'A spreadsheet import as it is after each change of its status or counts (its progress)',
  })
  importRunChanged(@Root() run: ImportRun | null, @Arg('id', () => ID) _id: string): ImportRun | null {
    return run;
  }

  @FieldResolver(() => User)
  requestedBy(@Root() run: ImportRun, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(User, run.requestedBy.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The API key the file was uploaded with (the import ran as that key)' })
  async requestedByApiKey(@Root() run: ImportRun, @Ctx() ctx: RequestContext) {
    if (!run.requestedByApiKey) return null;
    const key = await ctx.loaders.one(ApiKey, run.requestedByApiKey.id);
    return key ? `${key.name} (${key.prefix})` : null;
  }

  @FieldResolver(() => ImportRowErrorPage, { description: 'Row errors of the dry run or of the import, in file order' })
  errors(
    @Root() run: ImportRun,
    @Ctx() ctx: RequestContext,
    @Arg('phase', () => ImportPhase) phase: ImportPhase,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
    @Arg('limit', () => Int, { defaultValue: 50 }) limit: number,
  ) {
    return ctx.services.imports.errors(ctx, run.id, phase, offset, limit);
  }
}
