// Steps several browser-test files take on a candidate's dossier or a review screen, through the page's own
// same-origin API and UI (the upload dialog itself is covered by walking-skeleton and candidate-phone).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { DossierResponse } from '@exam/api';

/** A phone-like photo of a document (each `n` a different one), well under 200 KB. */
export async function documentPhoto(n: number): Promise<Buffer> {
  const lines = Array.from({ length: 10 }, (_, i) => `<rect x="${60 + ((n * 41 + i * 17) % 120)}" y="${80 + i * 36}" width="${300 + ((n * 67 + i * 29) % 300)}" height="14" fill="#333"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600"><rect width="100%" height="100%" fill="#efe9dc"/>${lines.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

/** The candidate's dossier as the page's own API client sees it (same origin, same session). */
export const dossierOf = (page: Page) => page.evaluate(async () => (await fetch('/api/material/dossier')).json() as Promise<DossierResponse>);

/** Uploads one image through the same API the 上传 dialog calls. */
export async function uploadViaPage(page: Page, categoryCode: string, bytes: Buffer): Promise<void> {
  const status = await page.evaluate(
    async ({ categoryCode, b64 }) => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('exam_csrf='))?.split('=')[1] ?? '';
      const form = new FormData();
      form.set('categoryCode', categoryCode);
      form.set('file', new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/jpeg' }), 'photo.jpg');
      return (await fetch('/api/material/images', { method: 'POST', body: form, headers: { 'x-csrf-token': decodeURIComponent(csrf) } })).status;
    },
    { categoryCode, b64: bytes.toString('base64') },
  );
  expect(status).toBe(201);
}

/** Waits until every image of the dossier is processed (READY). */
export async function waitAllReady(page: Page): Promise<DossierResponse> {
  for (let i = 0; i < 240; i++) {
    const d = await dossierOf(page);
    if (d.categories.every((c) => c.images.every((img) => img.state === 'READY'))) return d;
    await page.waitForTimeout(250);
  }
  throw new Error('images were not processed in time');
}

/** 提交审核 and its confirmation; the manual's words follow. */
export async function submit(page: Page): Promise<void> {
  await page.getByTestId('submit-dossier').click();
  await page.getByRole('dialog').getByRole('button', { name: '提交审核' }).click();
  await page.getByText('上报完成，内容已锁定').first().waitFor();
}

/**
 * After a decision the screen moves on — to the next dossier, or back to the list when the queue is empty (the system
 * is shared with the other files, so which one comes next is not this file's to know).
 */
export async function leftDossier(page: Page, dossierId: string): Promise<void> {
  await page.waitForURL((url) => !url.pathname.endsWith(`/dossiers/${dossierId}`), { timeout: 20_000 });
}

/** Picks `option` in the antd Select labelled `label` inside `scope`. */
export async function pick(page: Page, scope: Locator, label: string, option: string): Promise<void> {
  await scope.getByLabel(label).click();
  await page.locator('.ant-select-dropdown:visible').getByTitle(option).click();
}

/** Waits until an <img> has loaded a picture (not just its element). */
export async function loaded(img: Locator): Promise<void> {
  await img.waitFor({ timeout: 30_000 });
  await img.page().waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 30_000 });
}

/** E2E_SCREENSHOTS=<dir>: a full-page screenshot of the screen as it is now, for looking at it; nothing otherwise. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env['E2E_SCREENSHOTS'];
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.waitForTimeout(300); // let antd's motions settle
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/**
 * On the registration system's stand-in: opens the candidate's registration info and presses 【上传相关材料】;
 * answers the signed launch link the browser was sent to (the page is then on its way into the shell).
 */
export async function launchFromStandIn(page: Page, standInUrl: string, registrationNo: string, name: string): Promise<string> {
  await page.goto(standInUrl);
  await page.getByRole('link', { name: registrationNo, exact: true }).click();
  await page.getByText('报名信息').waitFor();
  expect(await page.getByRole('table').first().innerText()).toContain(name);
  const opened = page.waitForRequest((r) => r.isNavigationRequest() && new URL(r.url()).pathname === '/launch');
  await page.getByRole('button', { name: '【上传相关材料】' }).click();
  return (await opened).url();
}
