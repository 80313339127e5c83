import { ArrayMaxSize } from 'class-validator';
import { Arg, Authorized, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError } from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { MailLanguage, StaffMailKind } from './notification-preference.entity.js';

@ObjectType({ simpleResolvers: true, description: 'Which events I also hear of by e-mail (in-app notifications come regardless)' })
export class NotificationPreferences {
  @Field(() => [StaffMailKind], { description: 'Empty: no e-mail (the default)' })
  mailKinds!: StaffMailKind[];

  @Field(() => MailLanguage, { nullable: true, description: 'My language (User.language): the SPA, notifications and mails follow it' })
  mailLanguage!: MailLanguage | null;

  @Field(() => String, { description: 'Where the mails go' })
  email!: string;
}

@InputType()
export class UpdateNotificationPreferencesInput {
  @Field(() => [StaffMailKind], { nullable: true, description: 'Omitted: unchanged' })
  @ArrayMaxSize(10)
  mailKinds?: StaffMailKind[] | null;

  @Field(() => MailLanguage, {
    nullable: true,
    description: 'Sets my language (User.language) for the SPA, notifications and mails; omitted or null: unchanged',
  })
  mailLanguage?: MailLanguage | null;
}

export const UpdateNotificationPreferencesResult = resultUnion('UpdateNotificationPreferencesResult', NotificationPreferences, [
  InputError,
]);

@Resolver()
export class NotificationPreferencesResolver {
  @Authorized()
  @Query(() => NotificationPreferences, { description: 'My choice of staff e-mails (signed-in users; not API keys)' })
  myNotificationPreferences(@Ctx() ctx: RequestContext) {
    return ctx.services.notificationPreferences.mine(ctx);
  }

  @Authorized()
  @Mutation(() => UpdateNotificationPreferencesResult, { description: 'Chooses which events I also hear of by e-mail, and my language' })
  updateNotificationPreferences(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => UpdateNotificationPreferencesInput) input: UpdateNotificationPreferencesInput,
  ) {
    return ctx.services.notificationPreferences.update(ctx, input);
  }
}
