// Demo dossiers already in review, so reviewers have work the moment `npm start` is up: a few candidates of the demo
// year have photos of every material they need (drawn here, run through the real image pipeline) and are
// submitted through the dossier door; one of them has also passed its site review.
import sharp from 'sharp';
import type { PrismaClient } from '@exam/db';
import { loadApplicable, transitionDossier, type DossierDoorDeps, type TransitionActorRef } from '@exam/dossier';
import { processImage } from '@exam/images';
import { newBlobKey, type BlobStorage } from '@exam/storage';
import { DEMO_DISTRICT } from './demo-data.js';
import type { SeedResult } from './seed.js';

/** Which demo candidates (index in the seed's candidates) start in review: the first ones stay free for the upload demo. */
export const DEMO_IN_REVIEW = [3, 4, 5, 6, 7, 8] as const;
/** Of those, passed by its site and waiting for the district. */
export const DEMO_SITE_PASSED = [8] as const;

const escapeXml = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);

/** A phone-photo-like picture of a document: paper, a title, lines of text. */
async function documentPhoto(title: string, who: string, seed: number): Promise<Buffer> {
  const lines = Array.from(
    { length: 9 },
    (_, i) => `<rect x="80" y="${190 + i * 42}" width="${480 + ((seed * 37 + i * 53) % 260)}" height="13" rx="3" fill="#3a3a3a" fill-opacity="0.75"/>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="680">
    <rect width="100%" height="100%" fill="#d9d2c3"/>
    <rect x="40" y="30" width="920" height="620" rx="10" fill="#f6f1e4" stroke="#b8ab90" stroke-width="3"/>
    <text x="500" y="110" font-size="46" text-anchor="middle" font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" fill="#8b1a1a">${escapeXml(title)}</text>
    <text x="500" y="160" font-size="26" text-anchor="middle" font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" fill="#333">${escapeXml(who)}</text>
    ${lines.join('')}
    <circle cx="${760 + (seed % 5) * 20}" cy="540" r="62" fill="none" stroke="#c0392b" stroke-width="6" stroke-opacity="0.7"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 72 }).toBuffer();
}

/**
 * The demo's submissions are dated this far back: past the workers' 24 h look-back for transitions whose notices were
 * lost (deadline.service sweepStuck), so nobody is told minutes after `npm start` of a 提交成功 they did not just make
 * (the seed queues no notices; the sweeper would otherwise "recover" them five minutes in).
 */
export const DEMO_SUBMITTED_AGO_MS = 2 * 24 * 3600_000;

/**
 * Puts DEMO_IN_REVIEW candidates of the demo year in review. Runs only right after the demo data was created
 * (its caller makes it idempotent); images go through processImage like an upload would.
 */
export async function seedDemoReview(
  prisma: PrismaClient,
  storage: BlobStorage,
  seed: Pick<SeedResult, 'demoYearCode' | 'candidates'>,
  now = new Date(Date.now() - DEMO_SUBMITTED_AGO_MS),
): Promise<number> {
  const { demoYearCode } = seed;
  const year = await prisma.examYear.findUniqueOrThrow({
    where: { districtCode_code: { districtCode: DEMO_DISTRICT.code, code: demoYearCode } },
    include: { categories: true, candidates: { include: { dossier: true } } },
  });
  const door: DossierDoorDeps = { prisma, producer: { addBulk: async () => undefined }, logger: console, now: () => now };
  const reviewers = await prisma.user.findMany({ where: { districtCode: DEMO_DISTRICT.code, role: 'SITE_REVIEWER' } });
  let moved = 0;
  for (const index of DEMO_IN_REVIEW) {
    const candidate = year.candidates.find((c) => c.registrationNo === seed.candidates[index]?.registrationNo);
    if (!candidate?.dossier || candidate.dossier.status !== 'DRAFT') continue;
    let variant = index * 11;
    for (const category of loadApplicable(year.categories, candidate)) {
      for (let n = 0; n < category.effectiveMin; n++) {
        const verdict = await processImage(await documentPhoto(category.name.replace(/（.*）/, ''), `${candidate.name} · ${n + 1}`, variant++));
        if (!verdict.ok) throw new Error(`demo image refused: ${verdict.reason}`);
        const keys = { storageKey: newBlobKey('originals', now), thumbKey: newBlobKey('thumbs', now), previewKey: newBlobKey('previews', now) };
        await Promise.all([
          storage.put(keys.storageKey, verdict.normalized.data),
          storage.put(keys.thumbKey, verdict.thumbnail.data),
          storage.put(keys.previewKey, verdict.preview.data),
        ]);
        await prisma.image.create({
          data: {
            dossierId: candidate.dossier.id,
            categoryCode: category.code,
            ...keys,
            sha256: verdict.sha256,
            phash: verdict.phash,
            sizeBytes: verdict.normalized.data.length,
            width: verdict.width,
            height: verdict.height,
            mime: verdict.mime,
            sharpness: verdict.sharpness,
            state: 'READY',
            warnings: verdict.warningCodes,
            uploadedAt: new Date(now.getTime() - 3600_000),
            processedAt: now,
          },
        });
      }
    }
    const actor: TransitionActorRef = { type: 'CANDIDATE', id: candidate.id, role: 'CANDIDATE' };
    await transitionDossier(door, { dossierId: candidate.dossier.id, action: 'SUBMIT', actor });
    moved++;
    const reviewer = reviewers.find((r) => r.siteId === candidate.siteId);
    if ((DEMO_SITE_PASSED as readonly number[]).includes(index) && reviewer) {
      await transitionDossier(door, { dossierId: candidate.dossier.id, action: 'SITE_PASS', actor: { type: 'STAFF', id: reviewer.id, role: 'SITE_REVIEWER' } });
    }
  }
  return moved;
}
