import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FileSmsSender,
  SMS_TEMPLATES,
  TEMPLATE_CODES,
  renderSms,
  renderTemplate,
  templateForTransition,
  type TemplateParams,
} from './index.js';

const base: TemplateParams = { name: '张三', year: '2026年医师资格考试', deadline: '2026-03-01 17:00', reasons: '毕业证书：照片模糊' };

describe('templates', () => {
  it('renders every event in Chinese with a title, a text and an SMS from the approved table', () => {
    for (const code of TEMPLATE_CODES) {
      const m = renderTemplate(code, base);
      expect(m.title).toMatch(/[\u4e00-\u9fa5]/);
      expect(m.text).toContain('张三');
      expect(m.sms.startsWith('【医师资格考试】')).toBe(true);
      expect(m.sms).toContain('张三');
      expect(m.sms).not.toMatch(/\$\{/);
      expect(m.sms.length).toBeLessThanOrEqual(70);
    }
  });

  it('tells what to replace and by when on a return', () => {
    const m = renderTemplate('RETURNED', base);
    expect(m.text).toContain('毕业证书：照片模糊');
    expect(m.text).toContain('2026-03-01 17:00');
    expect(m.text).toContain('提交审核');
    expect(m.sms).toContain('2026-03-01 17:00');
    expect(() => renderTemplate('RETURNED', { name: '张三', year: '2026年' })).toThrow(/deadline/);
  });

  it('names the concrete events', () => {
    expect(renderTemplate('SUBMITTED', base).title).toContain('提交成功');
    expect(renderTemplate('AUTO_SUBMITTED', base).text).toContain('截止自动提交');
    expect(renderTemplate('NOT_SUBMITTED', base).text).toContain('逾期未提交');
    expect(renderTemplate('SITE_PASSED', base).text).toContain('通过考点审核');
    expect(renderTemplate('RESULT_PUBLISHED', { ...base, result: '审核通过' }).text).toContain('审核通过');
  });

  it('never carries an ID number', () => {
    expect(() => renderTemplate('SUBMITTED', { ...base, name: '张三 11010519491231002X' })).toThrow(/ID number/);
    expect(() => renderSms('SUBMITTED', { ...base, year: '110105491231002' })).toThrow(/ID number/);
    for (const { text } of Object.values(SMS_TEMPLATES)) expect(text).not.toMatch(/id|身份证/i);
  });

  it('picks the template of a transition by its target state; results wait for publication', () => {
    expect(templateForTransition({ fromStatus: 'DRAFT', toStatus: 'PENDING_SITE', actorType: 'CANDIDATE' })).toBe('SUBMITTED');
    expect(
      templateForTransition({ fromStatus: 'DRAFT', toStatus: 'PENDING_SITE', actorType: 'SYSTEM', autoSubmitted: true }),
    ).toBe('AUTO_SUBMITTED');
    expect(templateForTransition({ fromStatus: 'DRAFT', toStatus: 'NOT_SUBMITTED', actorType: 'SYSTEM' })).toBe('NOT_SUBMITTED');
    expect(templateForTransition({ fromStatus: 'PENDING_SITE', toStatus: 'RETURNED', actorType: 'STAFF' })).toBe('RETURNED');
    expect(templateForTransition({ fromStatus: 'PENDING_SITE', toStatus: 'PENDING_DISTRICT', actorType: 'STAFF' })).toBe('SITE_PASSED');
    expect(
      templateForTransition({ fromStatus: 'PENDING_SITE', toStatus: 'PENDING_DISTRICT', actorType: 'STAFF', proposedRejection: true }),
    ).toBe('SITE_REVIEWED');
    expect(templateForTransition({ fromStatus: 'RETURNED', toStatus: 'PENDING_DISTRICT', actorType: 'CANDIDATE' })).toBe('RESUBMITTED');
    expect(templateForTransition({ fromStatus: 'RETURNED', toStatus: 'PENDING_DISTRICT', actorType: 'SYSTEM' })).toBe('RETURN_EXPIRED');
    expect(templateForTransition({ fromStatus: 'PENDING_DISTRICT', toStatus: 'APPROVED', actorType: 'STAFF' })).toBeNull();
    expect(templateForTransition({ fromStatus: 'PENDING_DISTRICT', toStatus: 'REJECTED', actorType: 'STAFF' })).toBeNull();
  });
});

describe('FileSmsSender', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sms-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('appends one JSON line per SMS, text built from the approved template', async () => {
    const sms = new FileSmsSender(join(dir, 'sms'), () => new Date('2026-02-12T01:00:00Z'));
    await sms.send({ to: '13800000000', templateCode: 'SUBMITTED', params: base });
    await sms.send({ to: '13900000000', templateCode: 'RETURNED', params: base });
    expect(await readdir(join(dir, 'sms'))).toEqual(['sms.jsonl']);
    const lines = (await readFile(sms.file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ to: '13800000000', templateCode: 'SUBMITTED', at: '2026-02-12T01:00:00.000Z' });
    expect(lines[0]?.text).toBe(renderSms('SUBMITTED', base));
    expect(lines[1]?.text).toContain('2026-03-01 17:00');
  });
});
