import type { EntityManager } from '@mikro-orm/postgresql';
import { Collection, wrap } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { readModelState } from './read-model.js';

type EntityClass<T> = { new (...args: never[]): T };
type Keyed = { id: string };

/**
 * Per-request batching: every `load` made while resolving one level of a query becomes a
 * single `where … in (…)` statement, so list queries cost a constant number of statements.
 */
export class Loaders {
  private readonly byId = new Map<EntityClass<unknown>, DataLoader<string, unknown>>();
  private readonly byParent = new Map<string, DataLoader<string, unknown[]>>();
  private readonly customLoaders = new Map<string, DataLoader<string, unknown>>();

  constructor(private readonly em: EntityManager) {}

  /** One entity by primary key (`id`, or `pk` for entities keyed otherwise). */
  one<T extends object>(entity: EntityClass<T>, id: string, pk = 'id'): Promise<T | null> {
    let loader = this.byId.get(entity) as DataLoader<string, T | null> | undefined;
    if (!loader) {
      loader = new DataLoader<string, T | null>(async (ids) => {
        const rows = (await this.em.find(entity, { [pk]: { $in: [...ids] } } as never)) as T[];
        const map = new Map(rows.map((row) => [String((row as Record<string, unknown>)[pk]), row]));
        return ids.map((key) => map.get(key) ?? null);
      });
      this.byId.set(entity, loader as DataLoader<string, unknown>);
    }
    return loader.load(id);
  }

  /**
   * All children whose `parentProp` points at `parentId`, ordered by `orderBy` and then by id, so
   * that ties (the same due time, the same timestamp) come out in one order every time.
   */
  children<T extends Keyed>(
    entity: EntityClass<T>,
    parentProp: string,
    parentId: string,
    orderBy: Record<string, 'asc' | 'desc'> = { createdAt: 'asc' },
  ): Promise<T[]> {
    const key = `${entity.name}.${parentProp}`;
    let loader = this.byParent.get(key) as DataLoader<string, T[]> | undefined;
    if (!loader) {
      loader = new DataLoader<string, T[]>(async (parentIds) => {
        const rows = (await this.em.find(entity, { [parentProp]: { $in: [...parentIds] } } as never, {
          orderBy: { ...orderBy, ...('id' in orderBy ? {} : { id: 'asc' }) } as never,
        })) as T[];
        const grouped = new Map<string, T[]>();
        for (const row of rows) {
          const parent = (row as Record<string, unknown>)[parentProp] as Keyed | string;
          const parentKey = typeof parent === 'string' ? parent : parent.id;
          const list = grouped.get(parentKey) ?? [];
          list.push(row);
          grouped.set(parentKey, list);
        }
        return parentIds.map((id) => grouped.get(id) ?? []);
      });
      this.byParent.set(key, loader as DataLoader<string, unknown[]>);
    }
    return loader.load(parentId);
  }

  /** A named loader with its own batch function, for relations that are not a plain foreign key. */
  custom<V>(name: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    let loader = this.customLoaders.get(name) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch);
      this.customLoaders.set(name, loader as DataLoader<string, unknown>);
    }
    return loader;
  }
}

/** A relation the list query already loaded, or null when a loader must fetch it. */
export function loaded<T extends object>(ref: T | null | undefined): T | null {
  if (!ref) return null;
  const state = readModelState(ref);
  if (state) return state === 'model' ? ref : null;
  return wrap(ref, true).isInitialized() ? ref : null;
}

/** A collection's items when the list query already loaded it (read models carry plain arrays). */
export function loadedItems<T extends object>(collection: Collection<T> | T[] | undefined): T[] | null {
  if (Array.isArray(collection)) return collection;
  return collection?.isInitialized(true) ? collection.getItems() : null;
}
