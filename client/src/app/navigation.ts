import { Tickets } from '@element-plus/icons-vue';
import type { Permission } from '@ot/shared';
import type { Component } from 'vue';
import type { MessageSchema } from '@/locales/zh-CN';

export interface NavItem {
  /** The item is highlighted on this path and below it (e.g. /orders/SO-2026-00001). */
  path: string;
  label: `nav.${keyof MessageSchema['nav']}`;
  icon: Component;
  /** Shown only to users holding it; the same permission as the route's meta.permission. */
  permission: Permission;
}

/** The left-hand menu. A new page is one more line here (plus its route and its `nav.*` label). */
export const NAV_ITEMS: readonly NavItem[] = [{ path: '/orders', label: 'nav.orders', icon: Tickets, permission: 'orders:read' }];
