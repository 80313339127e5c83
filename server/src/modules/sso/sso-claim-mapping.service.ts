import { isDepartmentCode } from '@ot/shared';
import type { RequestContext } from '../../kernel/context.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { inTransaction } from '../../kernel/transaction.js';
import { InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { SsoClaimMapping } from './sso-claim-mapping.entity.js';
import type { SsoClaimMappingInput } from './sso-claim-mapping.resolver.js';

/** Administrators keep which role and department each value of the identity provider's claims stands for. */
export class SsoClaimMappingService {
  constructor(private readonly domainEvents: DomainEvents) {}

  list(ctx: RequestContext) {
    return ctx.em.find(SsoClaimMapping, {}, { orderBy: { claim: 'asc', value: 'asc' } });
  }

  /** Creates the mapping of a claim value, or changes the one there is. */
  set(ctx: RequestContext, input: SsoClaimMappingInput) {
    return resultOf(async () => {
      const value = input.value.trim();
      if (!value) refuse(InputError, 'VALIDATION_FAILED', 'Give the claim value as the identity provider sends it.', { field: 'value' });
      const role = input.claim === 'ROLE' ? (input.role ?? null) : null;
      const department = input.claim === 'DEPARTMENT' ? (input.department?.trim() ?? null) : null;
      if (input.claim === 'ROLE' && !role) refuse(InputError, 'VALIDATION_FAILED', 'A role claim value maps to a role.', { field: 'role' });
      if (input.claim === 'ROLE' && input.department)
        refuse(InputError, 'VALIDATION_FAILED', 'A role claim value maps to a role only; map department values separately.', {
          field: 'department',
        });
      if (input.claim === 'DEPARTMENT' && (!department || !isDepartmentCode(department)))
        refuse(InputError, 'VALIDATION_FAILED', 'A department claim value maps to a department code such as SALES.', {
          field: 'department',
        });
      if (input.claim === 'DEPARTMENT' && input.role)
        refuse(InputError, 'VALIDATION_FAILED', 'A department claim value maps to a department only.', { field: 'role' });
      return inTransaction(ctx, async (scope) => {
        const { em } = scope;
        // One statement, so that two admins mapping the same value cannot both insert.
        const [row] = await em.getConnection().execute<{ id: string }[]>(
          `insert into sso_claim_mapping (id, claim, value, role, department) values (gen_random_uuid(), ?, ?, ?, ?)
             on conflict (claim, value) do update set role = excluded.role, department = excluded.department, updated_at = now()
             returning id`,
          [input.claim, value, role, department],
          'all',
          em.getTransactionContext(),
        );
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'sso_mapping.set',
          { claim: input.claim, value, role, department },
          { entity: { type: 'SsoClaimMapping', id: row!.id } },
        );
        return em.findOneOrFail(SsoClaimMapping, { id: row!.id }, { refresh: true });
      });
    });
  }

  delete(ctx: RequestContext, id: string) {
    const mappingId = parseId(id);
    return resultOf(async () =>
      inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const mapping = await em.findOne(SsoClaimMapping, { id: mappingId });
        if (!mapping) refuse(NotFoundError, 'NOT_FOUND', 'No such claim mapping.');
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'sso_mapping.deleted',
          { claim: mapping.claim, value: mapping.value },
          { entity: { type: 'SsoClaimMapping', id: mapping.id } },
        );
        em.remove(mapping);
        return { id: mapping.id };
      }),
    );
  }
}
