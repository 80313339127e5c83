import type { Permission } from '@ot/shared';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { MessageSchema } from '@/locales/zh-CN';
import { browserLocale, setLocale } from './i18n';
import { hasPermission, isSignedIn, mayStartBulk } from './session';

type TitleKey = `nav.${keyof MessageSchema['nav']}` | `login.title` | `pages.${keyof MessageSchema['pages']}`;

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Shown in the browser's language rather than the app's (pages for people outside the company). */
    browserLanguage?: boolean;
    /** Needed to open the page; the navigation menu uses the same check. */
    permission?: Permission;
    /** A further check beyond the permission; the navigation menu uses the same one. */
    allowed?: () => boolean;
    titleKey?: TitleKey;
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/LoginView.vue'),
    meta: { public: true, titleKey: 'login.title' },
  },
  {
    // Single sign-on lands here from the server's callback (?code=… or ?error=…).
    path: '/auth/sso',
    name: 'sso',
    component: () => import('@/views/auth/SsoView.vue'),
    meta: { public: true, titleKey: 'login.title' },
  },
  {
    // The customer's page behind the e-mailed link: no sign-in, no app layout.
    path: '/confirm/:token',
    name: 'confirm',
    component: () => import('@/views/confirm/CustomerConfirmView.vue'),
    props: true,
    meta: { public: true, browserLanguage: true, titleKey: 'pages.confirm' },
  },
  {
    // A clean page to print or file, without the app's menus.
    path: '/terminations/:number/dossier',
    name: 'termination-dossier',
    component: () => import('@/views/termination/TerminationDossierView.vue'),
    props: true,
    meta: { permission: 'terminations:read', titleKey: 'pages.dossier' },
  },
  {
    path: '/',
    component: () => import('@/components/AppLayout.vue'),
    children: [
      {
        path: '',
        name: 'dashboard',
        component: () => import('@/views/dashboard/DashboardView.vue'),
        meta: { permission: 'terminations:read', titleKey: 'nav.dashboard' },
      },
      {
        path: 'orders',
        name: 'orders',
        component: () => import('@/views/order/OrderListView.vue'),
        meta: { permission: 'orders:read', titleKey: 'nav.orders' },
      },
      {
        path: 'orders/:number',
        name: 'order',
        component: () => import('@/views/order/OrderDetailView.vue'),
        props: true,
        meta: { permission: 'orders:read', titleKey: 'nav.orders' },
      },
      {
        path: 'orders/:number/terminate',
        name: 'terminate',
        component: () => import('@/views/termination/TerminateWizardView.vue'),
        props: true,
        meta: { permission: 'terminations:submit', titleKey: 'pages.terminate' },
      },
      {
        path: 'terminations',
        name: 'terminations',
        component: () => import('@/views/termination/TerminationListView.vue'),
        meta: { permission: 'terminations:read', titleKey: 'nav.terminations' },
      },
      {
        path: 'terminations/:number',
        name: 'termination',
        component: () => import('@/views/termination/TerminationDetailView.vue'),
        props: true,
        meta: { permission: 'terminations:read', titleKey: 'nav.terminations' },
      },
      {
        path: 'bulk',
        name: 'bulk',
        component: () => import('@/views/bulk/BulkTerminationView.vue'),
        meta: { permission: 'terminations:submit', allowed: mayStartBulk, titleKey: 'nav.bulk' },
      },
      {
        path: 'bulk/:id',
        name: 'bulk-run',
        component: () => import('@/views/bulk/BulkTerminationView.vue'),
        props: true,
        meta: { permission: 'terminations:submit', allowed: mayStartBulk, titleKey: 'nav.bulk' },
      },
      {
        path: 'board',
        name: 'board',
        component: () => import('@/views/approval/ApprovalBoardView.vue'),
        meta: { permission: 'approvals:decide', titleKey: 'nav.board' },
      },
      {
        path: 'notifications',
        name: 'notifications',
        component: () => import('@/views/notification/NotificationListView.vue'),
        meta: { titleKey: 'pages.notifications' },
      },
      {
        path: 'follow-ups',
        name: 'follow-ups',
        component: () => import('@/views/follow-up/FollowUpListView.vue'),
        meta: { permission: 'followups:complete', titleKey: 'nav.followUps' },
      },
      {
        path: 'admin',
        component: () => import('@/views/admin/AdminView.vue'),
        meta: { permission: 'admin:manage', titleKey: 'nav.admin' },
        children: [
          { path: '', redirect: { name: 'admin-reasons' } },
          { path: 'reasons', name: 'admin-reasons', component: () => import('@/views/admin/ReasonsAdminView.vue') },
          { path: 'rules', name: 'admin-rules', component: () => import('@/views/admin/RulesAdminView.vue') },
          { path: 'users', name: 'admin-users', component: () => import('@/views/admin/UsersAdminView.vue') },
          { path: 'api-keys', name: 'admin-api-keys', component: () => import('@/views/admin/ApiKeysAdminView.vue') },
          {
            path: 'exchange-rates',
            name: 'admin-exchange-rates',
            component: () => import('@/views/admin/ExchangeRatesAdminView.vue'),
          },
          { path: 'webhooks', name: 'admin-webhooks', component: () => import('@/views/admin/WebhooksAdminView.vue') },
          { path: 'sync', name: 'admin-sync-sources', component: () => import('@/views/admin/SyncSourcesAdminView.vue') },
          { path: 'mailbox', name: 'admin-mailbox', component: () => import('@/views/admin/MailboxView.vue') },
          { path: 'calendar', name: 'admin-calendar', component: () => import('@/views/admin/HolidayCalendarAdminView.vue') },
          { path: 'sso', name: 'admin-sso', component: () => import('@/views/admin/SsoMappingsAdminView.vue') },
          { path: 'imports', name: 'admin-imports', component: () => import('@/views/import/SpreadsheetImportView.vue') },
        ],
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/views/common/StatusPageView.vue'),
        props: { status: 403 },
        meta: { titleKey: 'pages.forbidden' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/common/StatusPageView.vue'),
        props: { status: 404 },
        meta: { titleKey: 'pages.notFound' },
      },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

/** Only same-app paths are followed after sign-in (no open redirect to another site). */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

router.beforeEach(async (to, from) => {
  if (to.meta.browserLanguage && !from.meta.browserLanguage) await setLocale(browserLocale(), { persist: false });
  if (to.meta.public) {
    return to.name === 'login' && isSignedIn() ? safeRedirect(to.query.redirect) : true;
  }
  if (!isSignedIn()) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  if (to.meta.permission && !hasPermission(to.meta.permission)) return { name: 'forbidden' };
  if (to.meta.allowed && !to.meta.allowed()) return { name: 'forbidden' };
  return true;
});

// After a deployment the old page's lazy chunks are gone: load the new version of the app instead.
router.onError((error: unknown, to) => {
  if (error instanceof TypeError && /dynamically imported module|module script/i.test(error.message)) {
    window.location.assign(to.fullPath);
  }
});
