import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex as sha256 } from '../../common/hash.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DEPARTMENT_BOUND_SCOPES, SCOPE_PERMISSIONS, type ApiKeyScope, type Permission } from '@ot/shared';
import type { ApiKeyActor } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import { parseId, unauthenticated } from '../../common/errors.js';
import { RecentlyVerified } from '../../common/recently-verified.js';
import { inTransaction } from '../../kernel/transaction.js';
import { TOPICS, type CredentialsEnded, type EventPublisher } from '../../kernel/live-events.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { ApiKey } from './api-key.entity.js';
import { Department } from './department.entity.js';
import { User } from './user.entity.js';

const KEY_RE = /^otk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** lastUsedAt is refreshed at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 60_000;

/**
 * How long a verified key is trusted without reading it again. Revoking drops it at once on every
 * instance that hears the revocation (pub/sub); this bounds the rest, e.g. an instance cut off
 * from Redis. Expiry is checked on every request.
 */
const VERIFIED_KEY_TTL_MS = 5_000;

interface VerifiedKey {
  id: string;
  name: string;
  prefix: string;
  secretHash: string;
  scopes: readonly string[];
  ownerUserId: string;
  departmentCode: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revoked: boolean;
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('otk_');
}

export class ApiKeyService {
  /** Keys verified lately, by prefix: partner traffic does not read its key on every request. */
  private readonly verified = new RecentlyVerified<VerifiedKey>(VERIFIED_KEY_TTL_MS);

  constructor(
    private readonly events: EventPublisher,
    private readonly domainEvents: DomainEvents,
  ) {
    void this.forgetRevokedKeys();
  }

  private async forgetRevokedKeys(): Promise<void> {
    for await (const ended of this.events.subscribe<CredentialsEnded>(TOPICS.credentialsEnded)) {
      if (ended.kind === 'apiKey') this.verified.forget(ended.prefix);
    }
  }

  async create(ctx: RequestContext, input: { name: string; scopes: ApiKeyScope[]; expiresAt?: Date | null; department?: string | null }) {
    return resultOf(async () => {
      const name = input.name.trim();
      if (!name) refuse(InputError, 'VALIDATION_FAILED', 'Give the key a name.', { field: 'name' });
      const scopes = [...new Set(input.scopes)];
      if (!scopes.length) refuse(InputError, 'VALIDATION_FAILED', 'Choose at least one scope.', { field: 'scopes' });
      if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
        refuse(InputError, 'VALIDATION_FAILED', 'The expiry must be in the future.', { field: 'expiresAt' });
      const department = input.department?.trim() || null;
      const bound = scopes.some((s) => DEPARTMENT_BOUND_SCOPES.includes(s));
      if (bound && !department) {
        refuse(InputError, 'VALIDATION_FAILED', 'A key that completes follow-up tasks acts for one department: choose it.', {
          field: 'department',
        });
      }
      if (!bound && department) {
        refuse(InputError, 'VALIDATION_FAILED', 'Only a key with FOLLOW_UPS_WRITE acts for a department.', { field: 'department' });
      }
      if (department && !(await ctx.em.count(Department, { code: department, active: true }))) {
        refuse(InputError, 'VALIDATION_FAILED', `No such department: ${department}.`, { field: 'department' });
      }
      const prefix = randomBytes(9)
        .toString('base64url')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '0')
        .slice(0, 12);
      const secret = randomBytes(32).toString('base64url');
      return inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const apiKey = em.create(ApiKey, {
          name,
          prefix,
          secretHash: sha256(secret),
          scopes,
          createdBy: em.getReference(User, ctx.actor!.kind === 'user' ? ctx.actor!.userId : ''),
          expiresAt: input.expiresAt ?? null,
          departmentCode: department,
        });
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'api_key.created',
          { name, prefix, scopes, department },
          { entity: { type: 'ApiKey', id: apiKey.id } },
        );
        return { apiKey, secret: `otk_${prefix}_${secret}` };
      });
    });
  }

  async revoke(ctx: RequestContext, id: string) {
    const keyId = parseId(id);
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const { em, afterCommit } = scope;
        const apiKey = await em.findOne(ApiKey, { id: keyId });
        if (!apiKey) refuse(NotFoundError, 'NOT_FOUND', 'No such API key.');
        apiKey.revokedAt ??= new Date();
        this.verified.forget(apiKey.prefix);
        afterCommit(() => {
          this.verified.forget(apiKey.prefix);
          this.events.credentialsEnded({ kind: 'apiKey', apiKeyId: apiKey.id, prefix: apiKey.prefix });
        });
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'api_key.revoked',
          { prefix: apiKey.prefix },
          { entity: { type: 'ApiKey', id: apiKey.id } },
        );
        return apiKey;
      }),
    );
  }

  list(ctx: RequestContext) {
    return ctx.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  /** Resolves a presented key to an actor; anything wrong is UNAUTHENTICATED. */
  async authenticate(em: EntityManager, token: string): Promise<ApiKeyActor> {
    const match = KEY_RE.exec(token);
    if (!match) throw unauthenticated('The API key is malformed.');
    const apiKey = await this.verifiedKey(em, match[1]!);
    const expected = Buffer.from(apiKey?.secretHash ?? sha256('none'), 'hex');
    const presented = Buffer.from(sha256(match[2]!), 'hex');
    if (!apiKey || !timingSafeEqual(expected, presented)) throw unauthenticated('The API key is not valid.');
    if (apiKey.revoked) throw unauthenticated('The API key was revoked.');
    if (apiKey.expiresAt && apiKey.expiresAt.getTime() <= Date.now()) throw unauthenticated('The API key has expired.');
    if (!apiKey.lastUsedAt || Date.now() - apiKey.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      apiKey.lastUsedAt = new Date();
      await em.nativeUpdate(ApiKey, { id: apiKey.id }, { lastUsedAt: apiKey.lastUsedAt });
    }
    const permissions = new Set<Permission>(apiKey.scopes.flatMap((s) => SCOPE_PERMISSIONS[s as ApiKeyScope] ?? []));
    return {
      kind: 'apiKey',
      apiKeyId: apiKey.id,
      name: `API key ${apiKey.name} (${apiKey.prefix})`,
      permissions,
      ownerUserId: apiKey.ownerUserId,
      departmentCode: apiKey.departmentCode,
      expiresAt: apiKey.expiresAt,
    };
  }

  /** The key with this prefix, from the recent cache or the database; revoked keys are never cached. */
  private async verifiedKey(em: EntityManager, prefix: string): Promise<VerifiedKey | null> {
    const cached = this.verified.get(prefix);
    if (cached) return cached;
    const apiKey = await em.findOne(ApiKey, { prefix });
    if (!apiKey) return null;
    const key: VerifiedKey = {
      id: apiKey.id,
      name: apiKey.name,
      prefix: apiKey.prefix,
      secretHash: apiKey.secretHash,
      scopes: apiKey.scopes,
      ownerUserId: apiKey.createdBy.id,
      departmentCode: apiKey.departmentCode ?? null,
      expiresAt: apiKey.expiresAt ?? null,
      lastUsedAt: apiKey.lastUsedAt ?? null,
      revoked: apiKey.revokedAt != null,
    };
    if (key.revoked) return key;
    this.verified.set(prefix, key);
    return key;
  }
}
