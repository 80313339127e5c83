import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../kernel/logger.js';
import { User } from '../modules/identity/user.entity.js';
import { SalesOrder } from '../modules/order/sales-order.entity.js';
import { seedErpData } from './demo-sync.js';
import { seedDemoUsers } from './identity-seed.js';

/**
 * Seeds demo data when the database holds none; an advisory lock keeps two instances from both
 * seeding. Configuration and people are written directly; the ERP data goes through ERP sync.
 * "None" means no people and no orders: departments come with the migrations in every database,
 * so they say nothing about whether it is in use.
 */
export async function seedIfEmpty(em: EntityManager, logger: Logger): Promise<boolean> {
  return em.transactional(async (tx) => {
    await tx.getConnection().execute('select pg_advisory_xact_lock(7101)', [], 'all', tx.getTransactionContext());
    if ((await tx.count(User)) > 0 || (await tx.count(SalesOrder)) > 0) return false;
    const started = Date.now();
    await seedDemoUsers(tx);
    await tx.flush();
    // Customers to payments and exchange rates: through ERP sync, as a company's own data comes in.
    const counts = await seedErpData(tx);
    logger.info({ counts, ms: Date.now() - started }, 'demo data seeded');
    return true;
  });
}
