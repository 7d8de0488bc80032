// types.ts - what a back-office screen module gives the shell (AdminApp.tsx):
// its routes, each with the permission it needs (the API enforces it again)
// and, for the side navigation, a label and a group.
import type { JSX } from 'preact';
import type { Params } from '../lib/router';

export type NavGroup = 'Shop' | 'People' | 'Content' | 'Site';

export interface AdminRoute {
  /** e.g. '/admin/products/:id' */
  pattern: string;
  /** the permission a role must hold to see the screen (GET /me's permissions) */
  permission: string;
  view: (p: { params: Params; query: URLSearchParams }) => JSX.Element | null;
  /** shown in the side navigation when set (list screens) */
  nav?: { label: string; group: NavGroup };
}
