import { Field, ObjectType } from 'type-graphql';
import type { TextPart } from './messages.js';

@ObjectType('TextPart', {
  simpleResolvers: true,
  description:
    'A piece of a server-made text in the reader’s language: ours, or data (a name, a comment, a carrier) shown as it was entered or sent',
})
export class TextPartType implements TextPart {
  @Field(() => String)
  text!: string;
  @Field(() => Boolean, { description: 'Entered by people or sent by an ERP: not translated' })
  data!: boolean;
}
