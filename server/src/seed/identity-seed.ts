import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '@ot/shared';
import { Department } from '../modules/identity/department.entity.js';
import { hashPassword } from '../modules/identity/password.js';
import { User } from '../modules/identity/user.entity.js';

export const DEMO_PASSWORD = 'demo1234';

/** The demo users of API.md. */
export const DEMO_USERS: { email: string; name: string; role: Role; department: string | null }[] = [
  { email: 'admin@example.com', name: '系统管理员', role: 'ADMIN', department: null },
  { email: 'clerk@example.com', name: '李晓梅', role: 'CLERK', department: 'SALES' },
  { email: 'sales.head@example.com', name: '王建国', role: 'DEPT_HEAD', department: 'SALES' },
  { email: 'purchasing.head@example.com', name: '张志强', role: 'DEPT_HEAD', department: 'PURCHASING' },
  { email: 'warehouse.head@example.com', name: '刘德明', role: 'DEPT_HEAD', department: 'WAREHOUSE' },
  { email: 'finance.head@example.com', name: '陈静', role: 'DEPT_HEAD', department: 'FINANCE' },
  { email: 'gm@example.com', name: '赵总', role: 'DEPT_HEAD', department: 'MANAGEMENT' },
  { email: 'auditor@example.com', name: '审计 孙丽', role: 'AUDITOR', department: null },
];

/** Demo users; their departments come with the migrations (Migration20261206900000). */
export async function seedDemoUsers(em: EntityManager): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const user of DEMO_USERS) {
    em.create(User, {
      email: user.email,
      name: user.name,
      role: user.role,
      passwordHash,
      department: user.department ? em.getReference(Department, user.department) : null,
    });
  }
}
