import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { launchBrowser, login, logout } from './browser.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

/** A phone-like photo of a document, well under 200 KB. */
async function documentPhoto(): Promise<Buffer> {
  const lines = Array.from({ length: 10 }, (_, i) => `<rect x="60" y="${80 + i * 36}" width="${520 - (i % 3) * 90}" height="14" fill="#333"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600"><rect width="100%" height="100%" fill="#efe9dc"/>${lines.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}



describe('walking skeleton through the shell (real services, workers, Postgres, Redis, chromium)', () => {
  let sys: Sys;
  let browser: BrowserContext;
  beforeAll(async () => {
    sys = await startTestSystem();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.cleanup();
  });

  it('a candidate logs in, sees their categories, uploads a JPEG and sees its thumbnail', async () => {
    // 张伟: GRADUATE + COLLEGE, 和平区考点
    const candidate = sys.seed.candidates[E2E_CANDIDATES.walkingSkeleton]!;
    const page = await browser.newPage();
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.waitForURL(/\/candidate/);
    await page.getByText(candidate.name).first().waitFor();

    // the categories that apply to this candidate, from material-service, and none that do not
    await page.getByTestId('category-ID_CARD').waitFor();
    await page.getByTestId('category-EDU_VERIFY').waitFor();
    expect(await page.getByTestId('category-ASSIST_QUAL').count()).toBe(0);
    expect(await page.getByTestId('category-FRESH_PLEDGE').count()).toBe(0);

    const card = page.getByTestId('category-ID_CARD');
    await card.getByRole('button', { name: '上传' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('选择图片文件').setInputFiles({ name: 'id-front.jpg', mimeType: 'image/jpeg', buffer: await documentPhoto() });
    await dialog.getByRole('button', { name: '上传', exact: true }).click();

    // the worker thumbnails it; the page polls and shows the thumbnail served by the authorised handler
    const thumb = card.getByRole('img', { name: '材料图片' }).first();
    await thumb.waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      (el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0,
      await thumb.elementHandle(),
      { timeout: 60_000 },
    );
    expect(await thumb.getAttribute('src')).toMatch(/^\/api\/material\/images\/[0-9a-f-]+\/thumb$/);
    await card.getByText('未锁定').first().waitFor();
    await logout(page);
    await page.close();
  });

  it('a site reviewer sees only their own site; a district reviewer sees the district remote', async () => {
    const page = await browser.newPage();
    await login(page, sys.url, 'staff', 'site1201', DEMO_PASSWORDS.staff);
    await page.waitForURL(/\/site/);
    const table = page.getByRole('table');
    const own = sys.seed.candidates.filter((c) => c.siteCode === '1201');
    const other = sys.seed.candidates.filter((c) => c.siteCode === '1202');
    await table.getByText(own[0]!.registrationNo).waitFor();
    const text = await table.innerText();
    for (const c of own) expect(text).toContain(c.registrationNo);
    for (const c of other) expect(text).not.toContain(c.registrationNo);
    await logout(page);

    await login(page, sys.url, 'staff', 'district', DEMO_PASSWORDS.staff);
    await page.waitForURL(/\/district/);
    await page.getByRole('tab', { name: '各考点进度' }).click();
    await page.getByText('和平区考点').first().waitFor();
    await page.getByText('南开区考点').first().waitFor();
    await page.close();
  });
});
