import type { Request, RequestHandler, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import {
  categoryInputSchema,
  categoryOrderSchema,
  categoryUpdateSchema,
  examYearCreateSchema,
  examYearUpdateSchema,
  type AdminCategoriesResponse,
  type AdminYearsResponse,
} from '@exam/api';
import { requireAuth, requireRole, type AuthContext } from '@exam/auth';
import { DomainError } from '@exam/domain';
import { parse, singleFileUpload } from '@exam/http';
import type { MaterialDeps } from './material-deps.js';
import {
  MAX_EXAMPLE_BYTES,
  createCategory,
  createYear,
  deleteCategory,
  deleteExample,
  deleteGuide,
  importCatalog,
  listCategories,
  listYears,
  readExample,
  readGuide,
  reorderCategories,
  updateCategory,
  updateYear,
  uploadExample,
  uploadGuide,
  type AdminActor,
} from './year-catalog.service.js';
import { MAX_GUIDE_PDF_BYTES } from '@exam/domain';

const actorOf = (req: Request): AdminActor => {
  const auth = req.auth as AuthContext; // set: requireRole ran first
  return { userId: auth.user.id, districtCode: auth.user.districtCode, ip: req.ip ?? null };
};
const version = z.string().regex(/^[0-9a-f-]{36}$/i);

/** One file in field `file`; a too-large file answers 413 with `tooLarge` (multer's own errors are mapped here). */
function oneFile(maxBytes: number, tooLarge: string, unreadable: string): RequestHandler {
  const handler = singleFileUpload({
    field: 'file',
    limits: { files: 1, fileSize: maxBytes, fields: 2, fieldSize: 256, fieldNameSize: 64, parts: 3, headerPairs: 50 },
    unreadableMessage: unreadable,
    defParamCharset: 'utf8',
  });
  return (req, res, next) =>
    handler(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError) {
        next(err.code === 'LIMIT_FILE_SIZE' ? new DomainError('FILE_TOO_LARGE', tooLarge, 413) : new DomainError('UPLOAD_INVALID', '每次只能上传一个文件', 400));
        return;
      }
      if (err === undefined && !req.file) {
        next(new DomainError('FILE_MISSING', '请选择要上传的文件', 400));
        return;
      }
      next(err as Error | undefined);
    });
}

const uploadExampleFile = oneFile(MAX_EXAMPLE_BYTES, '示例图片不能超过 5MB', '上传内容不完整或格式不正确，请重新选择示例图片');
const uploadGuideFile = oneFile(MAX_GUIDE_PDF_BYTES, '材料说明 PDF 不能超过 5MB', '上传内容不完整或格式不正确，请重新选择 PDF 文件');
const uploadCatalogFile = oneFile(2 * 1024 * 1024, '目录文件不能超过 2MB', '上传内容不完整或格式不正确，请重新选择目录文件');

/**
 * 考试年度与材料目录: /api/material/admin/* for the district admin (ADMIN only, own district; another district's year
 * or category is 404; every write audited), and the two authorised read handlers candidates and staff use.
 */
export function yearCatalogRoutes(deps: MaterialDeps) {
  return (router: Router): void => {
    const admin = requireRole('ADMIN');

    router.get('/admin/years', admin, async (req, res) => {
      const body: AdminYearsResponse = { years: await listYears(deps, actorOf(req)) };
      res.json(body);
    });
    router.post('/admin/years', admin, async (req, res) => {
      res.status(201).json(await createYear(deps, actorOf(req), parse(examYearCreateSchema, req.body ?? {})));
    });
    router.patch('/admin/years/:id', admin, async (req, res) => {
      res.json(await updateYear(deps, actorOf(req), String(req.params.id), parse(examYearUpdateSchema, req.body ?? {})));
    });
    router.put('/admin/years/:id/guide', admin, uploadGuideFile, async (req, res) => {
      res.json(await uploadGuide(deps, actorOf(req), String(req.params.id), { bytes: req.file!.buffer, fileName: req.file!.originalname }));
    });
    router.delete('/admin/years/:id/guide', admin, async (req, res) => {
      res.json(await deleteGuide(deps, actorOf(req), String(req.params.id)));
    });

    router.get('/admin/years/:id/categories', admin, async (req, res) => {
      const body: AdminCategoriesResponse = { categories: await listCategories(deps, actorOf(req), String(req.params.id)) };
      res.json(body);
    });
    router.post('/admin/years/:id/categories', admin, async (req, res) => {
      res.status(201).json(await createCategory(deps, actorOf(req), String(req.params.id), parse(categoryInputSchema, req.body ?? {})));
    });
    router.put('/admin/years/:id/categories/order', admin, async (req, res) => {
      const { ids } = parse(categoryOrderSchema, req.body ?? {});
      const body: AdminCategoriesResponse = { categories: await reorderCategories(deps, actorOf(req), String(req.params.id), ids) };
      res.json(body);
    });
    router.post('/admin/years/:id/categories/import', admin, uploadCatalogFile, async (req, res) => {
      res.json(await importCatalog(deps, actorOf(req), String(req.params.id), req.file!.buffer));
    });
    router.patch('/admin/categories/:id', admin, async (req, res) => {
      res.json(await updateCategory(deps, actorOf(req), String(req.params.id), parse(categoryUpdateSchema, req.body ?? {})));
    });
    router.delete('/admin/categories/:id', admin, async (req, res) => {
      await deleteCategory(deps, actorOf(req), String(req.params.id));
      res.status(204).end();
    });
    router.put('/admin/categories/:id/example', admin, uploadExampleFile, async (req, res) => {
      res.json(await uploadExample(deps, actorOf(req), String(req.params.id), req.file!.buffer));
    });
    router.delete('/admin/categories/:id/example', admin, async (req, res) => {
      res.json(await deleteExample(deps, actorOf(req), String(req.params.id)));
    });

    // the URLs carry the blob's version: a new upload is a new URL, so the browser may keep an image for a day
    router.get('/categories/:id/example/:version', requireAuth(), async (req, res) => {
      const v = version.safeParse(req.params.version);
      if (!v.success) throw new DomainError('NOT_FOUND', '示例图片不存在或无权访问', 404);
      const body = await readExample(deps, req.auth!, String(req.params.id), v.data);
      res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.type('image/jpeg').send(body);
    });
    router.get('/years/:id/guide/:version', requireAuth(), async (req, res) => {
      const v = version.safeParse(req.params.version);
      if (!v.success) throw new DomainError('NOT_FOUND', '材料说明不存在或无权访问', 404);
      const { body, fileName } = await readGuide(deps, req.auth!, String(req.params.id), v.data);
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Disposition', `inline; filename="guide.pdf"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
      res.type('application/pdf').send(body);
    });
  };
}
