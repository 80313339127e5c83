import type { Permission } from '@ot/shared';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { MessageSchema } from '@/locales/zh-CN';
import { hasPermission, isSignedIn } from './session';

type TitleKey = `nav.${keyof MessageSchema['nav']}` | `login.title` | `pages.${keyof MessageSchema['pages']}`;

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Needed to open the page; the navigation menu uses the same check. */
    permission?: Permission;
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
    path: '/',
    component: () => import('@/components/AppLayout.vue'),
    children: [
      { path: '', redirect: { name: 'orders' } },
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

router.beforeEach((to) => {
  if (to.meta.public) {
    return to.name === 'login' && isSignedIn() ? safeRedirect(to.query.redirect) : true;
  }
  if (!isSignedIn()) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  if (to.meta.permission && !hasPermission(to.meta.permission)) return { name: 'forbidden' };
  return true;
});

// After a deployment the old page's lazy chunks are gone: load the new version of the app instead.
router.onError((error: unknown, to) => {
  if (error instanceof TypeError && /dynamically imported module|module script/i.test(error.message)) {
    window.location.assign(to.fullPath);
  }
});
