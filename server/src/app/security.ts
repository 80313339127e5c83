import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import helmet from 'helmet';
import { forbidden } from '../common/errors.js';
import type { AppConfig } from './config.js';
import type { RequestContext } from '../kernel/context.js';

/** Query limits (OWASP GraphQL cheat sheet), tuned so the SPA's own queries pass; the cost limit is config.queryMaxCost. */
export const QUERY_LIMITS = { maxDepth: 10, maxAliases: 15, maxTokens: 3000, maxDirectives: 10 };

export function armorProtection() {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    // The cost depends on the variables (first: $n), which validation does not see: the limit is
    // checked once the operation and its variables are known (query-cost.ts, operation guard).
    costLimit: { enabled: false },
    // Token counting happens in the parser (Apollo parseOptions), where an excess is a clean 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // Suggestions are left out by graphql itself (hideSuggestions). Armor's plugin rewrote the
    // message of every error object, which graphql-jit's errors do not allow: a 500 for each.
    blockFieldSuggestion: { enabled: false },
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
