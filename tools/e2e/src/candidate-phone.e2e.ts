// The candidate's side of the manual on a phone (375 px, touch), through the shell on the real system (services,
// workers, Postgres, Redis, chromium): camera or album → the browser shrinks a 1.5 MB photo under 200 KB and keeps an
// EXIF-rotated one upright → a blurry photo shows 图片可能不清晰 with 重新上传 → the count limit → delete and replace →
// 提交审核 with the warnings listed once → 已锁定 everywhere. Then what phones and networks do to uploads: a dropped
// connection retried with the same Idempotency-Key (one image stored), 重试 after the automatic retries, 取消, a JPEG
// without a file type, a HEIC photo and a broken file, and a slow mobile connection (CDP network throttling).
// E2E_SCREENSHOTS=<dir> keeps a screenshot of each screen looked at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { DossierResponse, ImageView } from '@exam/api';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { launchBrowser, login, logout } from './browser.js';
import { bigPhonePhoto, blurryPhoto, brokenJpeg, documentPhoto, exifRotatedPhoto, heicPhoto } from './phone-photos.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const PHONE = { width: 375, height: 812 };
const TOUCH = { hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const MAX_UPLOAD_BYTES = 204_800;
const KEY_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** The page asks the server again every 1.5 s while an image is processed: page-side polls wait longer than vitest's 1 s. */
const POLL = { timeout: 15_000 };

const shotsDir = process.env.E2E_SCREENSHOTS;
if (shotsDir) mkdirSync(shotsDir, { recursive: true });
async function shot(page: Page, name: string, fullPage = false) {
  if (shotsDir) await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage });
}

/** The candidate's dossier as the page's own session sees it. */
const dossierOf = (page: Page) => page.evaluate(async () => (await fetch('/api/material/dossier')).json() as Promise<DossierResponse>);
const imagesIn = async (page: Page, code: string): Promise<ImageView[]> =>
  (await dossierOf(page)).categories.find((c) => c.code === code)?.images ?? [];

/** Waits until the category's images are all processed and returns them. */
async function processedImages(page: Page, code: string, count: number): Promise<ImageView[]> {
  for (let i = 0; i < 240; i++) {
    const images = await imagesIn(page, code);
    if (images.length === count && images.every((img) => img.state !== 'PROCESSING')) return images;
    await page.waitForTimeout(250);
  }
  throw new Error(`${code}: ${count} processed images expected`);
}

const card = (page: Page, code: string) => page.getByTestId(`category-${code}`);
const readyTiles = (page: Page, code: string) => card(page, code).locator('[data-testid="image-tile"][data-state="READY"]');

/** 上传 in a category: the dialog, waiting for the file picker. */
async function openUpload(page: Page, code: string): Promise<Locator> {
  await card(page, code).getByTestId('upload-button').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('图片要求').waitFor();
  return dialog;
}

/** Picks a file through the dialog's 拍照 or 从相册选择 button (the real file chooser), as a phone user does. */
async function pickThrough(page: Page, dialog: Locator, button: '拍照' | '从相册选择' | '选择图片', file: { name: string; mimeType: string; buffer: Buffer }) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), dialog.getByRole('button', { name: button, exact: true }).click()]);
  await chooser.setFiles(file);
}

/** The preview decoded (no broken image) and 上传 enabled; then 上传. */
async function confirmUpload(dialog: Locator) {
  const preview = dialog.getByTestId('upload-preview');
  await preview.waitFor();
  await expect.poll(() => preview.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0), POLL).toBe(true);
  await dialog.getByTestId('upload-confirm').click();
  await dialog.waitFor({ state: 'hidden' });
}

async function uploadThroughDialog(page: Page, code: string, file: { name: string; mimeType: string; buffer: Buffer }) {
  const dialog = await openUpload(page, code);
  await pickThrough(page, dialog, '从相册选择', file);
  await confirmUpload(dialog);
}

/** Every visible control of the candidate page (and its open dialogs) is a 44 px touch target with a name. */
async function checkControls(page: Page) {
  // measured once the dialogs' opening animations are over (spinners and progress bars run for ever)
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
  const problems = await page.evaluate(() => {
    const roots = [document.querySelector('[data-testid="candidate-upload"]'), ...document.querySelectorAll('.ant-modal-wrap, .ant-popover')];
    const out: string[] = [];
    for (const root of roots) {
      if (!root) continue;
      for (const el of root.querySelectorAll<HTMLElement>('button, [role="button"], a[href], input:not([type="hidden"]), [tabindex="0"]')) {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue; // not shown (file inputs)
        const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
        if (!name) out.push(`unnamed ${el.outerHTML.slice(0, 120)}`);
        if (box.width < 44 - 0.5 || box.height < 44 - 0.5) out.push(`${Math.round(box.width)}×${Math.round(box.height)} ${name || el.outerHTML.slice(0, 80)}`);
      }
    }
    return out;
  });
  expect(problems).toEqual([]);
}

/** Tab through the page: the focus follows the document order of the controls, each visible and named. */
async function checkKeyboardOrder(page: Page) {
  const expected = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="candidate-upload"] :is(button, [role="button"], a[href], [tabindex="0"])')]
      .filter((el) => el.getBoundingClientRect().width > 0 && !el.hasAttribute('disabled'))
      .map((el) => (el.getAttribute('aria-label') ?? el.textContent ?? '').trim()),
  );
  expect(await page.evaluate(() => document.querySelectorAll('[tabindex]:not([tabindex="0"]):not([tabindex="-1"])').length)).toBe(0);
  await page.getByTestId('dossier-status').click(); // start just before the page's first control
  const seen: string[] = [];
  for (let i = 0; i < expected.length + 5 && seen.length < expected.length; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || !el.closest('[data-testid="candidate-upload"]')) return null;
      const box = el.getBoundingClientRect();
      return { name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(), visible: box.width > 0 && box.height > 0 };
    });
    if (!focused) continue;
    expect(focused.visible, `focused but not visible: ${focused.name}`).toBe(true);
    seen.push(focused.name);
  }
  expect(seen).toEqual(expected);
}

/** The stored clean copy (the worker's upright JPEG) as the candidate may fetch it: dimensions and top-left colour. */
async function storedOriginal(page: Page, image: ImageView) {
  const b64 = await page.evaluate(async (id) => {
    const bytes = new Uint8Array(await (await fetch(`/api/material/images/${id}/original`)).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, image.id);
  const { data, info } = await sharp(Buffer.from(b64, 'base64')).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
  return { width: info.width, height: info.height, topLeft: at(20, 20), topRight: at(info.width - 20, 20) };
}

describe('the candidate on a phone', () => {
  let sys: Sys;
  const browsers: BrowserContext[] = [];
  const phone = async () => {
    const b = await launchBrowser(PHONE, TOUCH);
    browsers.push(b);
    return b.newPage();
  };
  beforeAll(async () => {
    sys = await startTestSystem();
  });
  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
    await sys?.cleanup();
  });

  it('walks the manual at 375 px: camera and album, shrink, EXIF, 图片可能不清晰, the limit, delete and replace, 提交审核, 已锁定', async () => {
    // 张伟: GRADUATE + COLLEGE — 有效身份证明 2, 毕业证书 1–2, 学历备案表 1–3, 试用期考核证明 1–5 (+ optional ones)
    const candidate = sys.seed.candidates[E2E_CANDIDATES.candidatePhone.walk]!;
    const page = await phone();
    const bodies: { key: string | undefined }[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/material/images')) bodies.push({ key: r.headers()['idempotency-key'] });
    });

    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.waitForURL(/\/candidate/);
    await card(page, 'ID_CARD').waitFor();
    // a phone: pinch-zoom allowed, nothing wider than the screen
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), 'pointer: coarse').toBe(true);
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).not.toMatch(/maximum-scale|user-scalable\s*=\s*(no|0)/i);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'a1-page', true);

    // 示例 first, as the manual says
    await card(page, 'ID_CARD').getByRole('button', { name: '示例' }).click();
    const example = page.getByRole('dialog', { name: '示例：有效身份证明（正反面）' });
    await example.getByText('居民身份证正面').waitFor();
    await example.getByRole('button', { name: '知道了' }).click();
    await example.waitFor({ state: 'hidden' });

    // 1. 有效身份证明: 拍照 (the camera input) with a 1.5 MB phone photo; the browser shrinks it under 200 KB
    const big = await bigPhonePhoto(1);
    expect(big.length).toBeGreaterThan(1_400_000);
    let dialog = await openUpload(page, 'ID_CARD');
    expect(await dialog.getByTestId('camera-file-input').getAttribute('capture')).toBe('environment');
    expect(await dialog.getByTestId('camera-file-input').getAttribute('accept')).toBe('image/*');
    await dialog.getByRole('button', { name: '从相册选择' }).waitFor();
    await checkControls(page);
    await shot(page, 'a2-dialog');
    await pickThrough(page, dialog, '拍照', { name: 'IMG_0001.JPG', mimeType: 'image/jpeg', buffer: big });
    await dialog.getByTestId('upload-size').getByText(/已自动压缩：1\.\d MB → \d+ KB/).waitFor();
    await shot(page, 'a3-dialog-shrunk');
    await confirmUpload(dialog);
    const [front] = await processedImages(page, 'ID_CARD', 1);
    expect(front!.state).toBe('READY');
    expect(front!.sizeBytes).toBeLessThanOrEqual(MAX_UPLOAD_BYTES);
    await readyTiles(page, 'ID_CARD').first().waitFor();

    // 2. the back side from the album: a portrait photo stored sideways with EXIF orientation 6 ends upright
    dialog = await openUpload(page, 'ID_CARD');
    await pickThrough(page, dialog, '从相册选择', { name: 'IMG_0002.JPG', mimeType: 'image/jpeg', buffer: await exifRotatedPhoto(2) });
    await dialog.getByTestId('upload-size').getByText('1200×1600').waitFor(); // re-encoded upright, portrait
    await confirmUpload(dialog);
    const idImages = await processedImages(page, 'ID_CARD', 2);
    const back = idImages.find((img) => img.id !== front!.id)!;
    expect([back.state, back.width, back.height]).toEqual(['READY', 1200, 1600]);
    expect(back.sizeBytes).toBeLessThanOrEqual(MAX_UPLOAD_BYTES);
    const stored = await storedOriginal(page, back);
    expect([stored.width, stored.height]).toEqual([1200, 1600]);
    expect(stored.topLeft[0]).toBeGreaterThan(180); // the red mark is top-left: upright, not turned or mirrored
    expect(stored.topLeft[1]).toBeLessThan(80);
    expect(stored.topRight[0]! - stored.topRight[1]!).toBeLessThan(60);

    // 3. the count limit: 2 of 2, no more 上传 in that category
    await shot(page, 'a3b-two-id', true);
    await expect.poll(() => readyTiles(page, 'ID_CARD').count(), POLL).toBe(2);
    expect(await card(page, 'ID_CARD').getByTestId('upload-button').count()).toBe(0);
    expect(await card(page, 'ID_CARD').getByTestId('category-count').textContent()).toContain('已达上限');

    // 4. a blurry 毕业证书: READY, and its tile says 图片可能不清晰 with 重新上传 next to it
    await uploadThroughDialog(page, 'GRAD_CERT', { name: 'diploma.jpg', mimeType: 'image/jpeg', buffer: await blurryPhoto(3) });
    const [blurred] = await processedImages(page, 'GRAD_CERT', 1);
    expect(blurred!.warnings).toEqual([{ code: 'UNCLEAR', label: '图片可能不清晰' }]);
    const warned = card(page, 'GRAD_CERT').locator('[data-testid="image-tile"][data-warned]');
    await warned.getByTestId('image-warning').getByText('图片可能不清晰').waitFor();
    await warned.getByRole('button', { name: '重新上传' }).waitFor();

    // 5. another blurry one (学历备案表), replaced through 重新上传: the new photo is stored, the blurry one gone
    await uploadThroughDialog(page, 'EDU_VERIFY', { name: 'chsi.jpg', mimeType: 'image/jpeg', buffer: await blurryPhoto(4) });
    const [blurred2] = await processedImages(page, 'EDU_VERIFY', 1);
    await card(page, 'EDU_VERIFY').getByTestId('image-warning').waitFor();
    await shot(page, 'a4-warnings', true);
    await card(page, 'EDU_VERIFY').getByRole('button', { name: '重新上传' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByText('重新上传：学历证书电子注册备案表').waitFor();
    await pickThrough(page, dialog, '从相册选择', { name: 'chsi-2.jpg', mimeType: 'image/jpeg', buffer: await documentPhoto(5) });
    await confirmUpload(dialog);
    await expect
      .poll(async () => (await imagesIn(page, 'EDU_VERIFY')).map((img) => [img.id === blurred2!.id, img.state, img.warnings.length]), { timeout: 60_000 })
      .toEqual([[false, 'READY', 0]]);
    await expect.poll(() => card(page, 'EDU_VERIFY').getByTestId('image-warning').count(), POLL).toBe(0);

    // 6. 试用期考核证明: upload, delete with －, upload the right one (manual §二6)
    await uploadThroughDialog(page, 'PROBATION', { name: 'wrong.jpg', mimeType: 'image/jpeg', buffer: await documentPhoto(6) });
    await processedImages(page, 'PROBATION', 1);
    await readyTiles(page, 'PROBATION').first().waitFor();
    await card(page, 'PROBATION').getByRole('button', { name: '删除图片' }).click();
    await checkControls(page); // the popconfirm's buttons too
    await page.getByRole('tooltip').getByRole('button', { name: '删除', exact: true }).click();
    await expect.poll(async () => (await imagesIn(page, 'PROBATION')).length, POLL).toBe(0);
    await uploadThroughDialog(page, 'PROBATION', { name: 'probation.jpg', mimeType: 'image/jpeg', buffer: await documentPhoto(7) });
    await processedImages(page, 'PROBATION', 1);
    await readyTiles(page, 'PROBATION').first().waitFor();

    // touch targets, names and keyboard order on the filled page; a thumbnail opens by keyboard
    await checkControls(page);
    await checkKeyboardOrder(page);
    const thumb = card(page, 'ID_CARD').getByRole('button', { name: /查看大图/ }).first();
    await thumb.focus();
    await page.keyboard.press('Enter');
    await page.locator('.ant-image-preview img').first().waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.ant-image-preview').first().waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'a5-before-submit', true);

    // every upload carried a key of its own
    expect(bodies.length).toBe(7);
    expect(bodies.every((b) => KEY_PATTERN.test(b.key ?? '')), JSON.stringify(bodies)).toBe(true);
    expect(new Set(bodies.map((b) => b.key)).size).toBe(7);

    // 7. 提交审核: the open warning is listed in the one confirmation
    await page.getByTestId('submit-dossier').click();
    const confirm = page.getByRole('dialog');
    await confirm.getByTestId('submit-warning').getByText('毕业证书 第1张：图片可能不清晰').waitFor();
    expect(await confirm.getByTestId('submit-warning').count()).toBe(1);
    await checkControls(page);
    await shot(page, 'a6-submit-confirm');
    await confirm.getByRole('button', { name: '提交审核' }).click();
    await page.getByText('上报完成，内容已锁定').first().waitFor();
    await page.getByRole('dialog').getByRole('button', { name: '知道了' }).click();

    // 8. 已锁定 everywhere: nothing to change any more
    await expect.poll(async () => (await page.getByTestId('dossier-status').textContent())?.trim(), POLL).toBe('审核中');
    const lockedCount = (await dossierOf(page)).categories.reduce((n, c) => n + c.images.length, 0);
    expect(lockedCount).toBe(5);
    await expect.poll(() => page.getByText('已锁定', { exact: true }).count(), POLL).toBe(lockedCount);
    expect(await page.getByText('未锁定', { exact: true }).count()).toBe(0);
    for (const testId of ['upload-button', 'reupload-image', 'image-warning', 'submit-dossier']) expect(await page.getByTestId(testId).count()).toBe(0);
    expect(await page.getByRole('button', { name: '删除图片' }).count()).toBe(0);
    expect((await dossierOf(page)).categories.every((c) => c.images.every((img) => img.locked))).toBe(true);
    await shot(page, 'a7-locked', true);
    await logout(page);
  });

  it('a dropped connection is retried with the same Idempotency-Key and stores one image; then 重试 and 取消', async () => {
    const candidate = sys.seed.candidates[E2E_CANDIDATES.candidatePhone.dropped]!;
    const page = await phone();
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await card(page, 'ID_CARD').waitFor();

    // the first attempt reaches the server and is stored, but the answer is lost (connection reset on the way back)
    const keys: string[] = [];
    let mode: 'lose-first-answer' | 'drop-all' | 'hold' | 'pass' = 'lose-first-answer';
    let release: () => void = () => undefined;
    await page.route('**/api/material/images', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (mode === 'lose-first-answer') {
        mode = 'pass';
        const answer = await route.fetch();
        expect(answer.status()).toBe(201);
        return route.abort('connectionreset');
      }
      if (mode === 'drop-all') return route.abort('internetdisconnected');
      if (mode === 'hold') {
        await new Promise<void>((resolve) => (release = resolve));
        return route.abort('failed').catch(() => undefined);
      }
      return route.continue();
    });

    await uploadThroughDialog(page, 'ID_CARD', { name: 'front.jpg', mimeType: 'image/jpeg', buffer: await documentPhoto(11) });
    // the retry is visible while it waits
    const waiting = page.locator('[data-testid="upload-progress"][data-phase="waiting"]');
    await waiting.getByText(/正在自动重试/).waitFor();
    if (shotsDir) await waiting.screenshot({ path: join(shotsDir, 'b1-retrying.png') });
    await page.getByTestId('upload-progress').waitFor({ state: 'detached', timeout: 20_000 });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(KEY_PATTERN);
    expect(keys[1]).toBe(keys[0]);
    const once = await processedImages(page, 'ID_CARD', 1); // exactly one image stored
    expect(once[0]!.state).toBe('READY');
    await readyTiles(page, 'ID_CARD').first().waitFor();

    // offline for good: 3 automatic retries (1 s, 2 s, 4 s), then 重试 with the same key
    mode = 'drop-all';
    keys.length = 0;
    await uploadThroughDialog(page, 'ID_CARD', { name: 'back.jpg', mimeType: 'image/jpeg', buffer: await documentPhoto(12) });
    const failed = page.locator('[data-testid="upload-progress"][data-phase="failed"]');
    await failed.waitFor({ timeout: 20_000 });
    await failed.getByText('已自动重试 3 次').waitFor();
    expect(keys).toHaveLength(4);
    await checkControls(page);
    await failed.scrollIntoViewIfNeeded();
    await shot(page, 'b2-failed');
    mode = 'pass';
    await failed.getByRole('button', { name: '重试' }).click();
    await page.getByTestId('upload-progress').waitFor({ state: 'detached', timeout: 20_000 });
    expect(keys).toHaveLength(5);
    expect(new Set(keys).size).toBe(1);
    await processedImages(page, 'ID_CARD', 2);

    // 取消 while the request hangs: nothing stored
    mode = 'hold';
    await uploadThroughDialog(page, 'GRAD_CERT', { name: 'diploma.jpg', mimeType: 'image/jpeg', buffer: await documentPhoto(13) });
    await page.getByTestId('upload-progress').waitFor();
    await page.getByTestId('upload-progress').getByRole('button', { name: '取消' }).click();
    await page.getByTestId('upload-progress').waitFor({ state: 'detached' });
    release();
    await page.waitForTimeout(500);
    expect(await imagesIn(page, 'GRAD_CERT')).toEqual([]);
    await page.unroute('**/api/material/images');
    await logout(page);
  });

  it('judges files by content: a JPEG without a file type is accepted; HEIC gets the how-to; a broken file a clear message', async () => {
    const candidate = sys.seed.candidates[E2E_CANDIDATES.candidatePhone.fileTypes]!;
    const page = await phone();
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await card(page, 'ID_CARD').waitFor();

    // a JPEG the picker reports with no type and no extension, and one named .png: both uploaded as JPEG
    const sent: string[] = [];
    await page.route('**/api/material/images', async (route) => {
      if (route.request().method() === 'POST') sent.push(route.request().postDataBuffer()?.toString('latin1') ?? '');
      await route.fallback();
    });
    await uploadThroughDialog(page, 'ID_CARD', { name: 'IMG_20260201_0001', mimeType: '', buffer: await documentPhoto(21) });
    await uploadThroughDialog(page, 'ID_CARD', { name: 'scan.png', mimeType: 'image/png', buffer: await documentPhoto(22) });
    const images = await processedImages(page, 'ID_CARD', 2);
    expect(images.map((img) => img.state)).toEqual(['READY', 'READY']);
    expect(sent[0]).toMatch(/filename="IMG_20260201_0001\.jpg"\r\nContent-Type: image\/jpeg/);
    expect(sent[1]).toMatch(/filename="scan\.jpg"\r\nContent-Type: image\/jpeg/);
    await page.unroute('**/api/material/images');

    // HEIC (iPhone), by its ftyp brand whatever the type says: refused with how to get a JPEG
    for (const file of [
      { name: 'IMG_0003.HEIC', mimeType: 'image/heic', buffer: heicPhoto('heic') },
      { name: 'IMG_0004', mimeType: '', buffer: heicPhoto('mif1') },
      { name: 'IMG_0005.jpg', mimeType: 'image/jpeg', buffer: heicPhoto('hevc') },
    ]) {
      const dialog = await openUpload(page, 'GRAD_CERT');
      await pickThrough(page, dialog, '从相册选择', file);
      const refusal = dialog.getByTestId('upload-refusal');
      await refusal.waitFor();
      expect(await refusal.getAttribute('data-kind')).toBe('heic');
      const text = await refusal.textContent();
      expect(text).toContain('HEIC');
      expect(text).toContain('设置 → 相机 → 格式');
      expect(text).toContain('兼容性最佳');
      expect(text).toContain('微信');
      expect(await dialog.getByTestId('upload-confirm').isDisabled()).toBe(true);
      expect(await dialog.getByTestId('upload-preview').count()).toBe(0);
      if (file.name === 'IMG_0003.HEIC') await shot(page, 'd1-heic');
      await dialog.getByRole('button', { name: '取消' }).click();
      await dialog.waitFor({ state: 'hidden' });
    }

    // JPEG bytes no browser can decode: a clear message, no broken preview
    const dialog = await openUpload(page, 'GRAD_CERT');
    await pickThrough(page, dialog, '从相册选择', { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: brokenJpeg() });
    await dialog.getByTestId('upload-refusal').getByText(/无法打开这张图片/).waitFor();
    expect(await dialog.getByTestId('upload-preview').count()).toBe(0);
    expect(await dialog.getByTestId('upload-confirm').isDisabled()).toBe(true);
    await shot(page, 'd2-broken');
    await dialog.getByRole('button', { name: '取消' }).click();
    expect(await imagesIn(page, 'GRAD_CERT')).toEqual([]);
    await logout(page);
  });

  it('stays usable on a slow mobile connection (400 kbit/s, 400 ms RTT): the page shows in seconds, an upload completes', async () => {
    const candidate = sys.seed.candidates[E2E_CANDIDATES.candidatePhone.slowNetwork]!;
    const page = await phone(); // a fresh browser: nothing cached
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 400,
      downloadThroughput: 400_000 / 8,
      uploadThroughput: 400_000 / 8,
    });
    let transferred = 0;
    page.on('requestfinished', (r) => {
      void r.sizes().then((s) => (transferred += s.responseBodySize + s.responseHeadersSize)).catch(() => undefined);
    });
    const timed = async (what: string, limitMs: number, run: () => Promise<unknown>) => {
      const [started, before] = [Date.now(), transferred];
      await run();
      const ms = Date.now() - started;
      console.log(`slow network: ${what} in ${ms} ms, ${Math.round((transferred - before) / 1024)} KB transferred`);
      expect(ms, what).toBeLessThan(limitMs);
    };

    // first visit: the shell's login page (its bundles are the shell's budget, checked loosely here)
    await timed('login page, nothing cached', 25_000, async () => {
      await page.goto(`${sys.url}/login`, { waitUntil: 'commit' });
      await page.getByRole('tab', { name: '考生登录' }).waitFor({ timeout: 60_000 });
    });
    await page.getByRole('tab', { name: '考生登录' }).click();
    await page.getByLabel('报名号').fill(candidate.registrationNo);
    await page.getByLabel('密码').fill(DEMO_PASSWORDS.candidate);
    // 登录 → the upload page: the candidate remote (not cached yet), the session, the dossier
    await timed('upload page after 登录 (remote not cached)', 8_000, async () => {
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await card(page, 'ID_CARD').waitFor({ timeout: 30_000 });
    });
    // coming back later (the hashed bundles cached, entry points revalidated)
    await timed('upload page reopened', 5_000, async () => {
      await page.reload({ waitUntil: 'commit' });
      await card(page, 'ID_CARD').waitFor({ timeout: 30_000 });
    });
    await shot(page, 'e1-slow-page');

    // a ~150 KB photo: progress is shown, the upload completes and the image is processed
    const photo = await sharp(await bigPhonePhoto(31)).resize(1600).jpeg({ quality: 82 }).toBuffer();
    expect(photo.length).toBeLessThanOrEqual(MAX_UPLOAD_BYTES);
    const started = Date.now();
    await uploadThroughDialog(page, 'ID_CARD', { name: 'slow.jpg', mimeType: 'image/jpeg', buffer: photo });
    const row = page.getByTestId('upload-progress');
    await row.getByRole('progressbar').waitFor();
    await row.scrollIntoViewIfNeeded();
    await shot(page, 'e2-slow-progress');
    await row.waitFor({ state: 'detached', timeout: 60_000 });
    await readyTiles(page, 'ID_CARD').first().waitFor({ timeout: 60_000 });
    const uploadMs = Date.now() - started;
    console.log(`slow network: ${photo.length} bytes uploaded and shown processed after ${uploadMs} ms`);
    expect(uploadMs).toBeLessThan(30_000);
    expect((await imagesIn(page, 'ID_CARD')).map((img) => img.state)).toEqual(['READY']);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await logout(page);
  });
});
