import type { Request, Router } from 'express';
import { IDEMPOTENCY_HEADER, uploadFieldsSchema } from '@exam/api';
import { requireAuth, requireRole } from '@exam/auth';
import { DomainError, notFound } from '@exam/domain';
import { parse } from '@exam/http';
import { getDossier, submitDossier } from './dossier.service.js';
import { IMAGE_VARIANTS, readImage, type ImageVariant } from './image-access.service.js';
import { deleteImage, uploadImage } from './image.service.js';
import type { CandidateActor, MaterialDeps } from './material-deps.js';
import { uploadSingleImage } from './upload.middleware.js';

function candidateOf(req: Request): CandidateActor {
  const candidateId = req.auth?.candidateId;
  if (!candidateId) throw new DomainError('FORBIDDEN', '无权访问', 403);
  return { candidateId, ip: req.ip ?? null };
}

/** /api/material: thin transport over the services. */
export function materialRoutes(deps: MaterialDeps) {
  return (router: Router): void => {
    const candidate = requireRole('CANDIDATE');

    router.get('/dossier', candidate, async (req, res) => {
      res.json(await getDossier(deps, candidateOf(req).candidateId));
    });

    router.post('/dossier/submit', candidate, async (req, res) => {
      res.json(await submitDossier(deps, candidateOf(req)));
    });

    router.post('/images', candidate, uploadSingleImage, async (req, res) => {
      const actor = candidateOf(req);
      if (!req.file) throw new DomainError('IMAGE_MISSING', '请选择要上传的图片', 400);
      const fields = parse(uploadFieldsSchema, req.body ?? {});
      const uploadKey = req.get(IDEMPOTENCY_HEADER);
      if (uploadKey !== undefined && !/^[A-Za-z0-9_-]{8,64}$/.test(uploadKey)) {
        throw new DomainError('IDEMPOTENCY_KEY_INVALID', '上传请求标识不正确，请刷新页面后重新上传', 400);
      }
      try {
        const view = await uploadImage(deps, actor, { categoryCode: fields.categoryCode, bytes: req.file.buffer, uploadKey });
        res.status(201).json(view);
      } catch (e) {
        // 429: tell clients and proxies when to come back, as the message does
        if (e instanceof DomainError && e.code === 'UPLOAD_RATE_LIMITED') {
          res.setHeader('Retry-After', String((e.details as { retryAfterSeconds: number }).retryAfterSeconds));
        }
        throw e;
      }
    });

    router.delete('/images/:id', candidate, async (req, res) => {
      await deleteImage(deps, candidateOf(req), String(req.params.id));
      res.status(204).end();
    });

    router.get('/images/:id/:variant', requireAuth(), async (req, res) => {
      const variant = String(req.params.variant);
      if (!(IMAGE_VARIANTS as readonly string[]).includes(variant)) throw notFound('图片');
      const auth = req.auth!;
      const img = await readImage(deps, auth, String(req.params.id), variant as ImageVariant, req.ip ?? null);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Disposition', 'inline');
      res.type(img.contentType).send(img.body);
    });
  };
}
