import type { ReactNode } from 'react';

/**
 * One page of 考区管理 (the district admin's area, /district/admin/<path>). Each admin feature adds its
 * entry here; the area's menu, routes and overview are built from this one list, in this order.
 */
export interface AdminSection {
  /** the URL segment under /district/admin/ */
  path: string;
  /** the menu label (zh-CN) */
  label: string;
  /** one line for the overview card */
  summary: string;
  element: ReactNode;
}

export const ADMIN_SECTIONS: readonly AdminSection[] = [];
