import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import helmet from 'helmet';
import { forbidden } from '../common/errors.js';
import type { AppConfig } from './config.js';
import type { RequestContext } from './context.js';

/** Query limits (OWASP GraphQL cheat sheet), tuned so the SPA's own queries pass. */
export const QUERY_LIMITS = { maxDepth: 10, maxAliases: 15, maxCost: 5000, maxTokens: 3000, maxDirectives: 10 };

export function armorProtection(config: AppConfig) {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    costLimit: { maxCost: QUERY_LIMITS.maxCost },
    // Token counting happens in the parser (Apollo parseOptions), where an excess is a clean 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // "Did you mean …" leaks the schema; off in production.
    blockFieldSuggestion: { enabled: config.production },
  });
  return armor.protect();
}

/** In production only signed-in users and keys may introspect. */
export function introspectionGuard(config: AppConfig): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document }) {
          if (!config.production || contextValue.actor) return;
          const text = JSON.stringify(document);
          if (text.includes('"__schema"') || text.includes('"__type"'))
            throw forbidden('Introspection needs a signed-in user or an API key.');
        },
      };
    },
  };
}

/** Security headers on every response; the SPA runs no inline scripts. */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Element Plus positions popovers with inline style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
  });
}
