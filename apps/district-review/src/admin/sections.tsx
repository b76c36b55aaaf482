import type { ReactNode } from 'react';
import { RosterImportPage } from './roster/roster-page';
import { StaffPage } from './staff/staff-page';
import { ExportsPage } from './exports/exports-page';
import { NotificationStatusPage } from './notifications/notification-status-page';
import { OperationsPage } from './operations/operations-page';
import { YearsPage } from './years/years-page';
import { CatalogPage } from './catalog/catalog-page';

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

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  { path: 'staff', label: '考点与账号', summary: '考点的新增与改名；审核员账号的创建、重置密码或动态口令、停用与启用', element: <StaffPage /> },
  { path: 'roster', label: '报名数据导入', summary: '上传报名系统导出的 CSV 或 Excel，核对列对应、试导入查看有误的行，再正式导入', element: <RosterImportPage /> },
  { path: 'exports', label: '结果导出', summary: '审核结果与各考点进度导出为 Excel 或 CSV；身份证号默认脱敏，导出完整号码需确认并留痕', element: <ExportsPage /> },
  { path: 'notifications', label: '通知发送状态', summary: '各类通知按渠道的发送情况；查看发送失败的原因，并可重新发送失败的通知', element: <NotificationStatusPage /> },
  { path: 'years', label: '考试年度', summary: '新建与编辑考试年度：上传时间（北京时间）、截止时的处理、退回补充期限、考生页面的提示与材料说明 PDF', element: <YearsPage /> },
  { path: 'catalog', label: '材料目录', summary: '各年度的材料类别（附件1）：名称、要求、张数、适用考生类型、示例图；隐藏、排序与从文件导入', element: <CatalogPage /> },
  { path: 'operations', label: '运维', summary: '各任务队列的积压与失败情况、只读的队列面板；按考生、操作人、操作类型和时间查询审计日志', element: <OperationsPage /> },
];
