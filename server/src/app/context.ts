import type { EntityManager } from '@mikro-orm/postgresql';
import { Loaders } from '../common/loaders.js';
import type { Actor } from './actor.js';
import type { Logger } from './logger.js';
import type { Services } from './services.js';

/** Everything a resolver may use for one request (or one WebSocket operation). */
export interface RequestContext {
  requestId: string;
  em: EntityManager;
  actor: Actor | null;
  loaders: Loaders;
  services: Services;
  logger: Logger;
  ip: string;
}

export function createContext(input: Omit<RequestContext, 'loaders'>): RequestContext {
  return { ...input, loaders: new Loaders(input.em) };
}
