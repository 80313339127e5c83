import type { EntityManager } from '@mikro-orm/postgresql';
import { Loaders } from '../common/loaders.js';
import type { Actor } from './actor.js';
import type { Logger } from './logger.js';

/**
 * The services of the process, one instance each. Empty here on purpose: the composition root
 * (app/services.ts) declares its members by declaration merging, so modules reach each other's
 * services through the request context without importing app/.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Services {}

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
