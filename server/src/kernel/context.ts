import type { EntityManager } from '@mikro-orm/postgresql';
import { Loaders } from '../common/loaders.js';
import type { Actor } from './actor.js';
import type { DomainEvents } from './domain-events.js';
import type { Logger } from './logger.js';

/**
 * The services of the process, one instance each. Only the kernel's own are declared here: the
 * composition root (app/services.ts) declares the modules' by declaration merging, so modules
 * reach each other's services through the request context without importing app/.
 */
export interface Services {
  /** How state changes are told (mutations record theirs through kernel/mutation.ts). */
  domainEvents: DomainEvents;
}

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
