// A district runs a season without a developer (issue 6), in the browser on the real system:
// the admin creates an exam year (window, 提示, 材料说明), edits its catalog and uploads a 示例 image, imports the
// roster from an Excel file (a dry run lists the two bad rows first) and creates a site reviewer; a candidate of that
// roster comes in from the registration system's stand-in through the signed launch link, activates, sees the 示例
// and uploads; the new reviewer and the district approve; results are published and the registration system's
// stand-in fetches them through the signed results API.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { ROSTER_HEADERS, badRosterRows, rosterRow, rosterXlsx } from '@exam/testing';
import { launchBrowser, login, logout } from './browser.js';
import { documentPhoto, dossierOf, launchFromStandIn, leftDossier, loaded, pick, screenshot, submit, uploadViaPage, waitAllReady } from './journey-steps.js';
import { smsCode } from './sms-sink.js';
import { startOwnTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startOwnTestSystem>>;

const YEAR_CODE = 'E2E-YC';
const YEAR_NAME = '2028年医师资格考试（端到端）';
const NOTICE = '请使用手机拍摄原件。';
const SITE = { code: '1202', name: '南开区考点' };
const REVIEWER = 'seasonreviewer';
const REVIEWER_PASSWORD = 'E2eSeason2028';
/** The roster: three good rows at 南开区 (报名号 SEA00000001…3), a wrong ID check digit and an unknown site among them. */
const GOOD = [1, 2, 3].map((i) => rosterRow(i, SITE.code, 'SEA'));
const [CANDIDATE] = GOOD.map(([registrationNo, name, idNumber, , , , , , phone]) => ({ registrationNo: registrationNo!, name: name!, idNumber: idNumber!, phone: phone! }));

/** A recognisable example photo: a light document with dark lines (what a 示例 looks like). */
async function examplePhoto(): Promise<Buffer> {
  const lines = Array.from({ length: 8 }, (_, i) => `<rect x="50" y="${70 + i * 40}" width="${480 - (i % 3) * 80}" height="16" fill="#2a4d8f"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="560"><rect width="100%" height="100%" fill="#f4efe2"/>${lines.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** Beijing wall-clock time `ms` as the year dialog takes it: YYYY-MM-DD HH:mm. */
const beijingInput = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

async function openAdminSection(page: Page, base: string, label: string) {
  await page.goto(`${base}/district/admin`);
  await page.getByRole('link', { name: label }).first().click();
}

describe('a district season: year, catalog, roster, reviewer, launch link, review, results API', () => {
  let sys: Sys;
  let wide: BrowserContext;
  let phone: BrowserContext;
  let oneTimePassword = '';
  beforeAll(async () => {
    // the new year starts after the demo year, so it becomes every reviewer's current year: a system of its own
    sys = await startOwnTestSystem();
    wide = await launchBrowser({ width: 1366, height: 900 });
    phone = await launchBrowser({ width: 375, height: 812 });
  });
  afterAll(async () => {
    await wide?.close();
    await phone?.close();
    await sys?.cleanup();
  });

  it('the admin creates the year, edits its catalog with a 示例 image, imports the roster and creates a site reviewer', async () => {
    const page = await wide.newPage();
    await login(page, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    await openAdminSection(page, sys.url, '考试年度');
    await page.getByTestId('years-table').waitFor();

    // 新建年度: a bad window is refused with the server's words, then the year is saved (open since two hours ago)
    await page.getByTestId('year-new').click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.getByTestId('year-code').fill(YEAR_CODE);
    await dialog.getByTestId('year-name').fill(YEAR_NAME);
    await dialog.getByTestId('year-start').fill('2028-02-11 10:00');
    await dialog.getByTestId('year-end').fill('2028-01-29 10:00');
    await dialog.getByTestId('year-notices').fill(`${NOTICE}\n上传截止后系统自动锁定。`);
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.getByTestId('year-error').getByText('必须晚于开始时间').waitFor();
    await dialog.getByTestId('year-start').fill(beijingInput(Date.now() - 2 * 3_600_000));
    await dialog.getByTestId('year-end').fill('2027-02-11 24:00');
    await dialog.getByRole('button', { name: '保存' }).click();
    const window = page.getByTestId(`year-window-${YEAR_CODE}`);
    await window.getByText(/至 2027年2月11日24:00$/).waitFor();
    await window.getByText('上传中').waitFor();

    // moving the end of an opened window: the server asks for a confirmation that says what changes
    await page.getByTestId(`year-edit-${YEAR_CODE}`).click();
    const edit = page.locator('.ant-modal:visible').first();
    await edit.getByTestId('year-end').fill('2027-02-12 24:00');
    await edit.getByRole('button', { name: '保存' }).click();
    const confirm = page.locator('.ant-modal-confirm:visible');
    await confirm.getByText('截止时间由 2027年2月11日24:00 改为 2027年2月12日24:00').waitFor();
    await screenshot(page, 'year-confirm-1366');
    await confirm.getByRole('button', { name: '确认修改' }).click();
    await window.getByText(/至 2027年2月12日24:00$/).waitFor();

    // 材料说明 PDF: uploaded, then served to the admin through the authorised handler
    await page.getByRole('button', { name: `上传材料说明 ${YEAR_NAME}` }).click();
    await page.getByTestId('guide-input').setInputFiles({ name: '材料说明.pdf', mimeType: 'application/pdf', buffer: pdf });
    const guide = page.getByTestId(`year-guide-${YEAR_CODE}`);
    await guide.waitFor();
    const guideRes = await page.request.get(`${sys.url}${await guide.getAttribute('href')}`);
    expect(guideRes.status()).toBe(200);
    expect(guideRes.headers()['content-type']).toBe('application/pdf');
    await screenshot(page, 'years-1366');

    // 材料目录 of the new year: edit a category, then its 示例 (a non-image is refused first)
    await openAdminSection(page, sys.url, '材料目录');
    await page.getByTestId('catalog-year').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle(YEAR_NAME).click();
    await page.getByTestId('catalog-GRAD_CERT').waitFor();
    await page.getByTestId('category-edit-GRAD_CERT').click();
    const category = page.locator('.ant-modal:visible');
    await category.getByTestId('category-name').fill('毕业证书（原件）');
    await category.getByTestId('category-max').fill('3');
    await category.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('catalog-GRAD_CERT').getByText('毕业证书（原件）').waitFor();
    await page.getByTestId('catalog-GRAD_CERT').getByText('1–3 张').waitFor();
    await page.getByTestId('category-example-GRAD_CERT').click();
    await page.getByTestId('example-input').setInputFiles({ name: 'x.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not an image at all') });
    await page.getByTestId('catalog-error').getByText('示例图片不可用').waitFor();
    await page.getByTestId('category-example-GRAD_CERT').click();
    await page.getByTestId('example-input').setInputFiles({ name: '毕业证书示例.jpg', mimeType: 'image/jpeg', buffer: await examplePhoto() });
    await loaded(page.getByTestId('catalog-example-GRAD_CERT'));
    await screenshot(page, 'catalog-1366');

    // 报名数据导入 from Excel into the new year: the dry run lists the two bad rows and writes nothing; then the import
    const bad = badRosterRows(SITE.code, GOOD[0]![0]!);
    const xlsx = await rosterXlsx([GOOD[0]!, bad[0]!.cells, GOOD[1]!, bad[3]!.cells, GOOD[2]!], { headers: ROSTER_HEADERS });
    await page.goto(`${sys.url}/district/admin/roster`);
    await page.getByTestId('roster-import').waitFor();
    await pick(page, page.getByTestId('roster-import'), '考试年度', `${YEAR_NAME}（${YEAR_CODE}）`);
    await page
      .getByLabel('报名数据文件')
      .setInputFiles({ name: '报名数据.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx });
    await page.getByRole('button', { name: '上传' }).click();
    await page.getByTestId('roster-mapping').waitFor();
    await page.getByRole('button', { name: '试导入' }).click();
    const dry = page.getByTestId('dry-run-result');
    await dry.waitFor();
    expect(await dry.getByTestId('bad-rows-total').textContent()).toContain('共 2 行');
    await dry.getByText(/校验位不正确/).waitFor();
    await dry.getByText(/考点「不存在的考点」不存在/).waitFor();
    await page.getByRole('button', { name: '开始导入' }).click();
    const progress = page.getByTestId('import-progress');
    await progress.getByTestId('import-state').getByText('导入完成').waitFor({ timeout: 60_000 });
    expect(await progress.getByTestId('count-new').locator('.ant-statistic-content-value').textContent()).toBe('3');
    await screenshot(page, 'season-roster-done-1366');

    // 新增审核员 for 南开区考点: the one-time password is shown once
    await openAdminSection(page, sys.url, '考点与账号');
    await page.getByRole('button', { name: '新增审核员' }).click();
    const staffDialog = page.locator('.ant-modal:visible');
    await pick(page, staffDialog, '考点', `${SITE.code} ${SITE.name}`);
    await staffDialog.getByLabel('用户名').fill(REVIEWER);
    await staffDialog.getByLabel('姓名').fill('南开区审核员');
    await staffDialog.getByRole('button', { name: '创建账号' }).click();
    await page.getByTestId('one-time-password-dialog').waitFor();
    oneTimePassword = ((await page.getByTestId('one-time-password').textContent()) ?? '').trim();
    expect(oneTimePassword).toMatch(/^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/);
    await page.getByRole('button', { name: '我已记下' }).click();
    await page.getByTestId('staff-table').locator('tr', { hasText: REVIEWER }).getByText('待改密').waitFor();
    await page.close();

    // the year and catalog screens at phone width
    const small = await phone.newPage();
    await login(small, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    await openAdminSection(small, sys.url, '考试年度');
    await small.getByTestId(`year-window-${YEAR_CODE}`).waitFor();
    await screenshot(small, 'years-375');
    await small.getByTestId(`year-edit-${YEAR_CODE}`).click();
    await small.locator('.ant-modal:visible').getByTestId('year-name').waitFor();
    await screenshot(small, 'year-dialog-375');
    await small.locator('.ant-modal:visible').getByRole('button', { name: '取消' }).click();
    await openAdminSection(small, sys.url, '材料目录');
    await small.getByTestId('catalog-GRAD_CERT').waitFor();
    await screenshot(small, 'catalog-375');
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await logout(small);
    await small.close();
  });

  it('a candidate of the roster comes in through the launch link, activates, sees the 示例 and the 提示, uploads and submits', async () => {
    const page = await phone.newPage();
    await launchFromStandIn(page, sys.registrationUrl, CANDIDATE!.registrationNo, CANDIDATE!.name);

    // first time: 账号激活 with the 报名号 filled in
    await page.waitForURL(/\/activate$/);
    expect(await page.getByLabel('报名号').inputValue()).toBe(CANDIDATE!.registrationNo);
    await page.getByLabel('身份证件号码').fill(CANDIDATE!.idNumber);
    const before = Date.now();
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByTestId('code-sent').waitFor();
    await page.getByLabel('验证码').fill(await smsCode(sys.dataDir, CANDIDATE!.phone, before));
    await page.getByLabel('设置密码').fill('Shangchuan2028');
    await page.getByLabel('确认密码').fill('Shangchuan2028');
    await page.getByRole('button', { name: /激活$/ }).click();

    // the upload page of the new year: its 提示 and 材料说明, the 示例 the admin uploaded, in 示例 and in the upload dialog
    await page.waitForURL(/\/candidate/);
    await page.getByTestId('year-notices').getByText(NOTICE).waitFor();
    const guideRes = await page.request.get(`${sys.url}${await page.getByTestId('guide-link').getAttribute('href')}`);
    expect(guideRes.headers()['content-type']).toBe('application/pdf');
    const card = page.getByTestId('category-GRAD_CERT');
    await card.getByRole('button', { name: '示例：毕业证书（原件）' }).click();
    const example = page.getByTestId('example-image');
    await loaded(example);
    expect(await example.getAttribute('src')).toMatch(/^\/api\/material\/categories\/[0-9a-f-]+\/example\/[0-9a-f-]+$/);
    await screenshot(page, 'candidate-example-375');
    await page.getByRole('button', { name: '知道了' }).click();
    await card.getByRole('button', { name: '上传' }).click();
    const upload = page.getByRole('dialog');
    await loaded(upload.getByTestId('upload-example').getByRole('img'));
    await screenshot(page, 'candidate-upload-dialog-375');
    await upload.getByLabel('选择图片文件').setInputFiles({ name: 'grad.jpg', mimeType: 'image/jpeg', buffer: await documentPhoto(1) });
    await upload.getByRole('button', { name: '上传', exact: true }).click();
    await loaded(card.getByRole('img', { name: '材料图片' }).first());

    // the other required materials (through the same API the dialog calls), then 提交审核
    let n = 2;
    for (const c of (await dossierOf(page)).categories) {
      for (let k = c.images.length; k < c.minCount; k++) await uploadViaPage(page, c.code, await documentPhoto(n++));
    }
    await waitAllReady(page);
    await page.reload();
    await submit(page);
    await page.keyboard.press('Escape');
    expect((await dossierOf(page)).dossier.status).toBe('PENDING_SITE');
    await logout(page);
    await page.close();
  });

  it('the new reviewer and the district approve, the district publishes, the registration system fetches the result', async () => {
    const page = await wide.newPage();
    const results = `${sys.registrationUrl}/results?yr=${encodeURIComponent(YEAR_CODE)}`;
    // before publication the results API has nothing for this year
    await page.goto(results);
    await page.getByTestId('results-summary').getByText('考区尚未发布审核结果').waitFor();

    // the reviewer's first login: one-time password, authenticator, a password of their own
    await expect(login(page, sys.url, 'staff', REVIEWER, oneTimePassword)).rejects.toThrow(/asks for a new password/);
    const step = page.locator('[data-login-step="CHANGE_PASSWORD"]');
    await step.getByLabel('新密码', { exact: true }).fill(REVIEWER_PASSWORD);
    await step.getByLabel('确认新密码').fill(REVIEWER_PASSWORD);
    await step.getByRole('button', { name: '设置新密码并登录' }).click();
    await page.waitForURL(/\/site/, { timeout: 20_000 });

    // 考点审核通过
    await page.getByRole('row', { name: new RegExp(CANDIDATE!.registrationNo) }).click();
    const view = page.getByTestId('review-dossier');
    await page.getByTestId('candidate-name').getByText(CANDIDATE!.name).waitFor();
    await expect.poll(async () => view.getAttribute('data-status')).toBe('PENDING_SITE');
    const dossierId = (await view.getAttribute('data-dossier-id'))!;
    await page.keyboard.press('p');
    await page.getByTestId('decision-dialog').waitFor();
    await page.getByTestId('decision-confirm').click();
    await leftDossier(page, dossierId);
    await logout(page);

    // 考区审核通过, then 发布结果
    await login(page, sys.url, 'staff', 'district', DEMO_PASSWORDS.staff);
    await page.goto(`${sys.url}/district/dossiers/${dossierId}`);
    await expect.poll(async () => view.getAttribute('data-status')).toBe('PENDING_DISTRICT');
    await page.keyboard.press('p');
    await page.getByTestId('decision-dialog').waitFor();
    await page.getByTestId('decision-confirm').click();
    await leftDossier(page, dossierId);
    await page.goto(`${sys.url}/district`);
    await page.getByRole('tab', { name: '发布结果' }).click();
    await page.getByTestId('publish').click();
    await page.getByText(/确定(仅)?发布已审核完成的 1 份结果吗/).waitFor();
    await page.getByRole('button', { name: '确定发布' }).click();
    await page.getByText('已发布 1 份审核结果').waitFor();
    await logout(page);

    // the registration system's stand-in pages the results API with signed requests and shows the candidate's result
    await page.goto(results);
    await page.getByTestId('results-summary').getByText(/共 1 条已发布结果/).waitFor();
    const row = page.getByTestId('results-table').locator('tr', { hasText: CANDIDATE!.registrationNo });
    expect(await row.locator('[data-result]').getAttribute('data-result')).toBe('APPROVED');
    expect(await row.textContent()).toContain('审核通过');
    await screenshot(page, 'stand-in-results-1366');
    await page.close();
  });
});
