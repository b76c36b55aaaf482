import type { Request, Router } from 'express';
import { z } from 'zod';
import {
  createSiteSchema,
  createStaffSchema,
  renameSiteSchema,
  staffListQuerySchema,
  type AdminExamYearsResponse,
  type AdminSitesResponse,
  type StaffListResponse,
} from '@exam/api';
import { parse } from '@exam/http';
import { requireRole, type AuthContext } from '@exam/auth';
import type { AdminActor, AdminStaffService } from './admin-staff.service.js';

const siteIdSchema = z.uuid('考点编号无效');
const userIdSchema = z.uuid('账号编号无效');

const actorOf = (req: Request): AdminActor => {
  const auth = req.auth as AuthContext; // set: requireRole ran first
  return { userId: auth.user.id, districtCode: auth.user.districtCode, ip: req.ip ?? null };
};

/**
 * /api/identity/admin/*: 考点与账号 — exam sites and staff accounts of the admin's own district (ADMIN only; another
 * district's site or account answers 404). Writes are audited; one-time passwords are answered once and never logged.
 */
export function adminStaffRoutes(router: Router, admin: AdminStaffService): void {
  const onlyAdmin = requireRole('ADMIN');

  router.get('/admin/exam-years', onlyAdmin, async (req, res) => {
    const body: AdminExamYearsResponse = { years: await admin.listExamYears(actorOf(req)) };
    res.json(body);
  });

  router.get('/admin/sites', onlyAdmin, async (req, res) => {
    const body: AdminSitesResponse = { sites: await admin.listSites(actorOf(req)) };
    res.json(body);
  });

  router.post('/admin/sites', onlyAdmin, async (req, res) => {
    const input = parse(createSiteSchema, req.body ?? {});
    res.status(201).json(await admin.createSite(actorOf(req), input));
  });

  router.patch('/admin/sites/:id', onlyAdmin, async (req, res) => {
    const id = parse(siteIdSchema, req.params.id);
    const input = parse(renameSiteSchema, req.body ?? {});
    res.json(await admin.renameSite(actorOf(req), id, input));
  });

  router.get('/admin/staff', onlyAdmin, async (req, res) => {
    const query = parse(staffListQuerySchema, req.query);
    const body: StaffListResponse = { accounts: await admin.listStaff(actorOf(req), query) };
    res.json(body);
  });

  router.post('/admin/staff', onlyAdmin, async (req, res) => {
    const input = parse(createStaffSchema, req.body ?? {});
    res.set('cache-control', 'no-store');
    res.status(201).json(await admin.createStaff(actorOf(req), input));
  });

  router.post('/admin/staff/:id/reset-password', onlyAdmin, async (req, res) => {
    const id = parse(userIdSchema, req.params.id);
    res.set('cache-control', 'no-store');
    res.json(await admin.resetPassword(actorOf(req), id));
  });

  router.post('/admin/staff/:id/reset-totp', onlyAdmin, async (req, res) => {
    res.json(await admin.resetSecondFactor(actorOf(req), parse(userIdSchema, req.params.id)));
  });

  router.post('/admin/staff/:id/disable', onlyAdmin, async (req, res) => {
    res.json(await admin.disable(actorOf(req), parse(userIdSchema, req.params.id)));
  });

  router.post('/admin/staff/:id/enable', onlyAdmin, async (req, res) => {
    res.json(await admin.enable(actorOf(req), parse(userIdSchema, req.params.id)));
  });
}
