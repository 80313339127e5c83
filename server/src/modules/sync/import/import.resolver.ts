import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../../kernel/context.js';
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

  @FieldResolver(() => User)
  requestedBy(@Root() run: ImportRun, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(User, run.requestedBy.id);
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
