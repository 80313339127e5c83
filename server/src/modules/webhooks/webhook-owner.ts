import type { EntityManager } from '@mikro-orm/postgresql';
import { ROLE_PERMISSIONS, SCOPE_PERMISSIONS, type ApiKeyScope, type Permission } from '@ot/shared';
import type { Actor } from '../../kernel/actor.js';
import { ApiKey } from '../identity/api-key.entity.js';
import { User } from '../identity/user.entity.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';

const NONE: ReadonlySet<Permission> = new Set();
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');

/**
 * The actor an endpoint acts as: its owner, with the owner's permissions as they are now. An
 * owner that can no longer act (user deactivated, key revoked or expired) has no permission at
 * all, so its endpoint receives nothing and renders nothing.
 */
export async function ownerActors(em: EntityManager, endpoints: readonly WebhookEndpoint[]): Promise<Map<string, Actor>> {
  const userIds = [...new Set(endpoints.map((e) => e.ownerUserId).filter((id): id is string => !!id))];
  const keyIds = [...new Set(endpoints.map((e) => e.ownerApiKeyId).filter((id): id is string => !!id))];
  const [users, keys] = await Promise.all([
    userIds.length ? em.find(User, { id: { $in: userIds } }) : Promise.resolve([]),
    keyIds.length ? em.find(ApiKey, { id: { $in: keyIds } }) : Promise.resolve([]),
  ]);
  const byUser = new Map(users.map((u) => [u.id, userOwner(u)]));
  const byKey = new Map(keys.map((k) => [k.id, keyOwner(k)]));
  const result = new Map<string, Actor>();
  for (const e of endpoints) {
    const actor = e.ownerUserId ? byUser.get(e.ownerUserId) : e.ownerApiKeyId ? byKey.get(e.ownerApiKeyId) : undefined;
    if (actor) result.set(e.id, actor);
  }
  return result;
}

export async function ownerActor(em: EntityManager, endpoint: WebhookEndpoint): Promise<Actor | null> {
  return (await ownerActors(em, [endpoint])).get(endpoint.id) ?? null;
}

export function ownerCanAct(actor: Actor | null | undefined): boolean {
  return !!actor && actor.permissions.size > 0;
}

function userOwner(user: User): Actor {
  return {
    kind: 'user',
    userId: user.id,
    sessionId: 'webhook',
    name: user.name,
    email: user.email,
    role: user.role,
    departmentCode: user.department?.code ?? null,
    permissions: user.active ? new Set(ROLE_PERMISSIONS[user.role]) : NONE,
    expiresAt: FAR_FUTURE,
  };
}

/** The actor a key is now: no permissions once revoked or expired. */
export function keyOwner(key: ApiKey): Actor {
  const usable = !key.revokedAt && (!key.expiresAt || key.expiresAt.getTime() > Date.now());
  return {
    kind: 'apiKey',
    apiKeyId: key.id,
    name: `API key ${key.name} (${key.prefix})`,
    ownerUserId: key.createdBy.id,
    departmentCode: key.departmentCode ?? null,
    expiresAt: key.expiresAt ?? null,
    permissions: usable ? new Set(key.scopes.flatMap((s) => SCOPE_PERMISSIONS[s as ApiKeyScope] ?? [])) : NONE,
  };
}
