import { Property } from '@mikro-orm/core';
import { Field, Int } from 'type-graphql';

/**
 * A run's progress count (records imported, orders skipped …): an integer column that starts at 0,
 * read through the API as an Int. `description`: what it counts, where the name does not say.
 */
export function Counter(description?: string): PropertyDecorator {
  const column = Property({ type: 'integer', default: 0 });
  const field = Field(() => Int, description ? { description } : {});
  return (target, key) => {
    column(target, key as string);
    field(target, key);
  };
}
