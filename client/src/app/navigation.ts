import { Box, CircleClose, Finished, Odometer, Setting, Stamp, Tickets } from '@element-plus/icons-vue';
import type { Permission } from '@ot/shared';
import { mayStartBulk } from './session';
import type { Component } from 'vue';
import type { MessageSchema } from '@/locales/zh-CN';

export interface NavItem {
  /** The item is highlighted on this path and below it (e.g. /orders/SO-2026-00001). */
  path: string;
  label: `nav.${keyof MessageSchema['nav']}`;
  icon: Component;
  /** Shown only to users holding it; the same permission as the route's meta.permission. */
  permission: Permission;
  /** A further check beyond the permission (e.g. the bulk page: only those who may start it). */
  allowed?: () => boolean;
}

/** The left-hand menu. A new page is one more line here (plus its route and its `nav.*` label). */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: '/', label: 'nav.dashboard', icon: Odometer, permission: 'terminations:read' },
  { path: '/orders', label: 'nav.orders', icon: Tickets, permission: 'orders:read' },
  { path: '/terminations', label: 'nav.terminations', icon: CircleClose, permission: 'terminations:read' },
  { path: '/bulk', label: 'nav.bulk', icon: Box, permission: 'terminations:submit', allowed: mayStartBulk },
  { path: '/board', label: 'nav.board', icon: Stamp, permission: 'approvals:decide' },
  { path: '/follow-ups', label: 'nav.followUps', icon: Finished, permission: 'followups:complete' },
  { path: '/admin', label: 'nav.admin', icon: Setting, permission: 'admin:manage' },
];
