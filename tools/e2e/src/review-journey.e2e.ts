// The review journey through the shell, on the real system (services, workers, Postgres, Redis, chromium):
// a candidate submits → the site reviewer returns one image with a reason → the candidate sees why and until when,
// replaces exactly that image and submits again → the district reviewer sees the site's mark and approves; a second
// dossier is proposed for rejection and rejected; results are published; each candidate sees the result only then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { launchBrowser, login, logout } from './browser.js';
import { documentPhoto, dossierOf, leftDossier, submit, uploadViaPage, waitAllReady } from './journey-steps.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('review journey through the shell', () => {
  let sys: Sys;
  let browser: BrowserContext;
  beforeAll(async () => {
    sys = await startTestSystem();
    browser = await launchBrowser({ width: 1366, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.cleanup();
  });

  it('submit → site returns one image → candidate replaces it → district approves; a proposal is rejected; published', async () => {
    const candidate = sys.seed.candidates[E2E_CANDIDATES.reviewJourney]!; // 和平区考点 (1201), not in review yet
    const page = await browser.newPage();

    // 1. the candidate uploads every required image and 提交审核
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.waitForURL(/\/candidate/);
    let d = await dossierOf(page);
    let n = 0;
    for (const c of d.categories) for (let k = 0; k < c.minCount; k++) await uploadViaPage(page, c.code, await documentPhoto(n++));
    await waitAllReady(page);
    await page.reload();
    await submit(page);
    await page.getByText('您可以关闭该页面').first().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await page.getByTestId('dossier-status').textContent())?.trim()).toBe('审核中');
    d = await dossierOf(page);
    const returnedImage = d.categories.find((c) => c.code === 'GRAD_CERT')!.images[0]!;
    await logout(page);

    // 2. the site reviewer opens it from the list, marks the diploma 需更换 (模糊不清) and returns it — by keyboard
    await login(page, sys.url, 'staff', 'site1201', DEMO_PASSWORDS.staff);
    await page.waitForURL(/\/site/);
    await page.getByRole('row', { name: new RegExp(candidate.registrationNo) }).click();
    const view = page.getByTestId('review-dossier');
    await view.waitFor();
    await page.getByTestId('candidate-name').getByText(candidate.name).waitFor();
    await expect.poll(async () => view.getAttribute('data-status')).toBe('PENDING_SITE');
    await page.getByTestId(`image-tile-${returnedImage.id}`).click();
    await page.keyboard.press('n');
    await page.getByTestId('reason-picker').waitFor();
    await page.keyboard.press('1'); // 模糊不清
    await page.keyboard.press('Enter');
    // marked on its tile, and the selection moved on to the next image
    await page.getByTestId(`image-tile-${returnedImage.id}`).locator('[data-mark="NEEDS_REPLACEMENT"]').waitFor();
    await page.keyboard.press('r');
    await page.getByTestId('decision-dialog').waitFor();
    await page.getByTestId('decision-confirm').click();
    // the decision moves on by itself: to the site's next dossier, or back to the list when none is left
    await leftDossier(page, d.dossier.id);
    // propose the rejection of this file's demo dossier in review (the system is shared: which one comes next depends
    // on the other files, so it is opened from the list)
    const proposedCandidate = sys.seed.candidates[E2E_CANDIDATES.reviewJourneyProposal]!;
    await page.goto(`${sys.url}/site`);
    await page.getByRole('row', { name: new RegExp(proposedCandidate.registrationNo) }).click();
    await page.getByTestId('candidate-name').getByText(proposedCandidate.name).waitFor();
    await expect.poll(async () => view.getAttribute('data-status')).toBe('PENDING_SITE');
    const proposedId = await view.getAttribute('data-dossier-id');
    await page.keyboard.press('x');
    await page.getByTestId('decision-comment').fill('毕业证书与报名信息不符');
    await page.getByTestId('decision-confirm').click();
    await leftDossier(page, proposedId!);
    await logout(page);

    // 3. the candidate sees the reason and the deadline; only the returned image is open; replaces it and resubmits
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.getByTestId('return-notice').waitFor();
    await page.getByTestId('return-deadline').waitFor();
    expect(await page.getByTestId('return-countdown').textContent()).toMatch(/剩余/);
    await page.getByTestId('image-return-reason').getByText('模糊不清').waitFor();
    expect(await page.locator('[data-testid="image-tile"][data-returned]').count()).toBe(1);
    expect(await page.getByText('未锁定').count()).toBe(1);
    const returnedTile = page.locator('[data-testid="image-tile"][data-returned]');
    await returnedTile.getByRole('button', { name: '删除图片' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: '删除', exact: true }).click();
    await expect.poll(async () => (await dossierOf(page)).categories.find((c) => c.code === 'GRAD_CERT')!.images.length).toBe(0);
    await uploadViaPage(page, 'GRAD_CERT', await documentPhoto(99));
    await waitAllReady(page);
    await page.reload();
    await submit(page);
    await page.keyboard.press('Escape');
    expect((await dossierOf(page)).dossier.status).toBe('PENDING_DISTRICT');
    await logout(page);

    // 4. the district reviewer sees the site's mark on the replaced material's history and approves; rejects the proposal
    await login(page, sys.url, 'staff', 'district', DEMO_PASSWORDS.staff);
    await page.waitForURL(/\/district/);
    await page.getByRole('row', { name: new RegExp(candidate.registrationNo) }).first().click();
    await view.waitFor();
    await expect.poll(async () => view.getAttribute('data-dossier-id')).toBe(d.dossier.id);
    await page.getByTestId('history').getByText('考点退回补充').waitFor();
    await page.getByTestId('returns').getByText(/模糊不清/).first().waitFor();
    await page.keyboard.press('p');
    await page.getByTestId('decision-dialog').waitFor();
    await page.getByTestId('decision-confirm').click();
    await leftDossier(page, d.dossier.id);
    await page.goto(`${sys.url}/district/dossiers/${proposedId}`);
    await expect.poll(async () => view.getAttribute('data-dossier-id')).toBe(proposedId);
    await page.getByTestId('tag-proposed-rejection').waitFor();
    await page.keyboard.press('x');
    await page.getByTestId('decision-comment').fill('不符合报考条件');
    await page.getByTestId('decision-confirm').click();
    await leftDossier(page, proposedId!);

    await logout(page);

    // before publication the candidate still reads 审核中, never the decision
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.getByTestId('submitted-notice').waitFor();
    expect((await page.getByTestId('dossier-status').textContent())?.trim()).toBe('审核中');
    expect(await page.getByTestId('review-result').count()).toBe(0);
    expect((await dossierOf(page)).result).toBeNull();
    await logout(page);

    // 5. 发布结果: others are still open, so the confirmation names how many
    await login(page, sys.url, 'staff', 'district', DEMO_PASSWORDS.staff);
    await page.waitForURL(/\/district/);
    await page.getByRole('tab', { name: '发布结果' }).click();
    await page.getByTestId('publish').click();
    await page.getByText(/仍有 \d+ 份材料未审核完毕，确定仅发布已审核完成的 2 份结果吗/).waitFor();
    await page.getByRole('button', { name: '确定发布' }).click();
    await page.getByText('已发布 2 份审核结果').waitFor();
    await logout(page);

    // 6. each candidate sees their result now
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.getByTestId('review-result').getByText('审核通过').waitFor();
    expect(await page.getByTestId('review-result').getAttribute('data-result')).toBe('APPROVED');
    await logout(page);
    await login(page, sys.url, 'candidate', proposedCandidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.getByTestId('review-result-reason').getByText('不符合报考条件').waitFor();
    expect(await page.getByTestId('review-result').getAttribute('data-result')).toBe('REJECTED');
  });
});
