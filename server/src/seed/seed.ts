import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../kernel/logger.js';
import { Department } from '../modules/identity/department.entity.js';
import { seedErpData } from './demo-sync.js';
import { seedDemoUsers, seedDepartments } from './identity-seed.js';

/**
 * Seeds demo data when the database holds none; an advisory lock keeps two instances from both
 * seeding. Configuration and people are written directly; the ERP data goes through ERP sync.
 */
export async function seedIfEmpty(em: EntityManager, logger: Logger): Promise<boolean> {
  return em.transactional(async (tx) => {
    await tx.getConnection().execute('select pg_advisory_xact_lock(7101)', [], 'all', tx.getTransactionContext());
    if ((await tx.count(Department)) > 0) return false;
    const started = Date.now();
    seedDepartments(tx);
    await seedDemoUsers(tx);
    await tx.flush();
    // Customers to payments and exchange rates: through ERP sync, as a company's own data comes in.
    const counts = await seedErpData(tx);
    logger.info({ counts, ms: Date.now() - started }, 'demo data seeded');
    return true;
  });
}
