import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdpForApi, type TestIdp } from '../harness/oidc-idp.js';
import { choose, expectText, useBrowserSessions } from './browser.js';

/** Single sign-on as a person uses it: the sign-in page's SSO button, the identity provider's form, back in the app. */

const env: Record<string, string> = {};
let idp: TestIdp;
// Registered before the browser hooks, so the server starts with the identity provider already up.
beforeAll(async () => {
  const started = await startIdpForApi();
  idp = started.idp;
  Object.assign(env, started.env);
});
afterAll(async () => idp?.close());
const run = useBrowserSessions({ env });

beforeAll(async () => {
  const admin = await run.server.login('admin@example.com');
  for (const input of [
    { claim: 'ROLE', value: 'erp-head', role: 'DEPT_HEAD' },
    { claim: 'DEPARTMENT', value: 'finance', department: 'FINANCE' },
  ]) {
    const res = await run.server.gql<{ setSsoClaimMapping: { __typename: string } }>(
      `mutation($i: SsoClaimMappingInput!) { setSsoClaimMapping(input: $i) { __typename } }`,
      { i: input },
      admin,
    );
    expect(res.data?.setSsoClaimMapping.__typename).toBe('SsoClaimMapping');
  }
});

describe('single sign-on in the browser', () => {
  it(
    'clicks "Sign in with SSO", signs in at the provider and lands signed in, created with role and department',
    { timeout: 120_000 },
    async () => {
      idp.accounts.set('grace', {
        email: 'grace.sso@example.com',
        email_verified: true,
        name: '郭芳',
        roles: ['erp-head'],
        department: 'finance',
      });
      const context = await run.session.context('grace');
      const page = await context.newPage();
      await page.goto('/login');
      await page.getByRole('button', { name: '使用单点登录' }).click();
      await page.waitForURL((url) => url.href.startsWith(idp.issuer));
      await page.getByLabel('Account').fill('grace');
      await page.getByRole('button', { name: 'Sign in at the IdP' }).click();
      await page.getByRole('button', { name: '退出登录' }).waitFor();
      const landed = new URL(page.url());
      expect(landed.pathname).not.toMatch(/^\/(login|auth)/);
      expect(landed.search).toBe('');
      const [user] = await run.server.sql<{ role: string; department_code: string }>(
        `select role, department_code from app_user where email = 'grace.sso@example.com'`,
      );
      expect(user).toEqual({ role: 'DEPT_HEAD', department_code: 'FINANCE' });
      expect(run.session.errors).toEqual([]);
    },
  );

  it('an unmapped role is refused with a clear message, in English too', { timeout: 120_000 }, async () => {
    idp.accounts.set('henry', { email: 'henry.sso@example.com', email_verified: true, roles: ['guest'] });
    const context = await run.session.context('henry', { locale: 'en-US' });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByRole('button', { name: /单点登录|Sign in with SSO/ }).click();
    await page.getByLabel('Account').fill('henry');
    await page.getByRole('button', { name: 'Sign in at the IdP' }).click();
    await page.waitForURL((url) => url.pathname === '/auth/sso');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/没有本系统可识别的角色|has no role that this system knows/);
    expect(await run.server.sql(`select 1 from app_user where email = 'henry.sso@example.com'`)).toEqual([]);
    await page.getByRole('button', { name: /返回登录页|Back to sign-in/ }).click();
    await page.waitForURL((url) => url.pathname === '/login');
  });

  it(
    'an admin maps a claim value on the Single sign-on tab, sees it listed, and removes it after confirming',
    { timeout: 120_000 },
    async () => {
      const page = await run.session.signIn('admin', 'admin@example.com');
      await page.goto('/admin/sso');
      const table = page.locator('.el-table');
      await expectText(table, 'erp-head', 'finance', '部门负责人', '财务部');

      await page.getByRole('button', { name: '映射声明取值' }).click();
      const dialog = page.getByRole('dialog', { name: '映射声明取值' });
      await dialog.getByRole('button', { name: '保存' }).click();
      await expectText(dialog, '必填');
      await dialog.getByLabel('声明取值').fill('erp-clerks');
      await choose(page, dialog, '角色', '业务员');
      await dialog.getByRole('button', { name: '保存' }).click();
      await expectText(table.locator('tr', { hasText: 'erp-clerks' }), '角色声明', '业务员');
      expect(await run.server.sql(`select claim, role from sso_claim_mapping where value = 'erp-clerks'`)).toEqual([
        { claim: 'ROLE', role: 'CLERK' },
      ]);

      await table.locator('tr', { hasText: 'erp-clerks' }).getByRole('button', { name: '删除' }).click();
      const confirm = page.locator('.el-message-box');
      await confirm.getByText('erp-clerks').waitFor();
      await confirm.getByRole('button', { name: '删除' }).click();
      await expect.poll(() => table.locator('tr', { hasText: 'erp-clerks' }).count()).toBe(0);
      expect(await run.server.sql(`select id from sso_claim_mapping where value = 'erp-clerks'`)).toEqual([]);
      expect(run.session.errors).toEqual([]);
    },
  );
});
