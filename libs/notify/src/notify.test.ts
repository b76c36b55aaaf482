import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ALL_TEMPLATES,
  FileSmsSender,
  NOTICE_TEMPLATES,
  SMS_MAX_CHARS,
  TEMPLATE_CODES,
  renderAccountCodeSms,
  renderDefinition,
  renderNotice,
  renderSms,
  renderSmsTemplate,
  smsWithSign,
  templateForTransition,
  templateProblems,
  type TemplateDefinition,
  type TemplateParams,
} from './index.js';

const base: TemplateParams = { name: '张三', year: '2026年医师资格考试', deadline: '2026-03-01 17:00', reasons: '毕业证书：照片模糊', result: '审核通过' };

describe('templates, one per event and channel', () => {
  it('declare every variable they use: the table has no problem', () => {
    expect(templateProblems(ALL_TEMPLATES, TEMPLATE_CODES)).toEqual([]);
  });

  it('a template using an undeclared variable fails', () => {
    const bad: Required<TemplateDefinition> = {
      variables: ['name'],
      mandatory: false,
      inapp: { title: '通知', body: '考生{{name}}，身份证号{{idNumber}}' },
      email: { subject: '通知', body: '考生{{ name }}' },
      sms: '考生${name}，截止${deadline}',
    };
    expect(templateProblems({ BAD: bad })).toEqual([
      'BAD inapp.body: uses undeclared variable "idNumber"',
      'BAD sms: uses undeclared variable "deadline"',
    ]);
    expect(() => renderDefinition('BAD', bad, { name: '张三' })).toThrow(/inapp.body: uses undeclared variable "idNumber"/);
    expect(() => renderSmsTemplate('BAD', bad, { name: '张三', deadline: 'x' })).toThrow(/sms: uses undeclared variable "deadline"/);
    // malformed placeholders and long variables in an SMS are refused too
    const worse = { ...bad, variables: ['name', 'reasons'] as const, inapp: { title: 't', body: '{{name}' }, sms: '${name}${reasons}' };
    expect(templateProblems({ M: worse })).toEqual(['M inapp.body: malformed placeholder', 'M sms: "reasons" is too long for an SMS']);
  });

  it('render every event in Chinese on every channel: in-app, an HTML and a text mail, a short SMS', () => {
    for (const code of TEMPLATE_CODES) {
      const m = renderNotice(code, base);
      expect(m.inapp.title).toMatch(/[\u4e00-\u9fa5]/);
      expect(m.inapp.body).toContain('张三');
      expect(m.email.text).toContain('张三');
      expect(m.email.text).toContain('请勿回复');
      expect(m.email.html).toMatch(/^<!doctype html>/);
      expect(m.email.html).toContain('lang="zh-CN"');
      expect(m.email.html).toContain('张三');
      expect(m.sms.text).toContain('张三');
      expect(`${m.inapp.body}${m.email.text}${m.email.html}${m.sms.text}`).not.toMatch(/\{\{|\}\}|\$\{/);
      // one segment with the sign, even for a long name (cut to 20 characters)
      const long = renderNotice(code, { ...base, name: '阿卜杜热合曼·买买提依明·艾合买提江·吐尔逊' });
      expect(smsWithSign('医师资格考试', long.sms.text).length).toBeLessThanOrEqual(SMS_MAX_CHARS);
      expect(long.sms.params['name']).toHaveLength(20);
    }
    expect(smsWithSign('医师资格考试', renderAccountCodeSms({ code: '123456', action: '找回密码' })).length).toBeLessThanOrEqual(SMS_MAX_CHARS);
  });

  it('give an SMS provider only the variables its approved text uses', () => {
    expect(renderNotice('RETURNED', base).sms.params).toEqual({ name: '张三', deadline: '2026-03-01 17:00' });
    expect(renderNotice('SUBMITTED', base).sms.params).toEqual({ name: '张三' });
  });

  it('tell what to replace and by when on a return', () => {
    const m = renderNotice('RETURNED', base);
    expect(m.inapp.body).toContain('毕业证书：照片模糊');
    expect(m.inapp.body).toContain('2026-03-01 17:00');
    expect(m.inapp.body).toContain('提交审核');
    expect(m.email.subject).toBe('报名材料需要补充（截止2026-03-01 17:00）');
    expect(m.sms.text).toContain('2026-03-01 17:00');
    expect(() => renderNotice('RETURNED', { name: '张三', year: '2026年' })).toThrow(/deadline/);
  });

  it('escape what a reviewer typed in the HTML mail', () => {
    const m = renderNotice('RETURNED', { ...base, reasons: '<script>alert(1)</script> & “照片”' });
    expect(m.email.html).not.toContain('<script>');
    expect(m.email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; “照片”');
    expect(m.email.text).toContain('<script>alert(1)</script>');
  });

  it('name the concrete events', () => {
    expect(renderNotice('SUBMITTED', base).inapp.title).toContain('提交成功');
    expect(renderNotice('AUTO_SUBMITTED', base).inapp.body).toContain('截止自动提交');
    expect(renderNotice('NOT_SUBMITTED', base).inapp.body).toContain('逾期未提交');
    expect(renderNotice('SITE_PASSED', base).inapp.body).toContain('通过考点审核');
    expect(renderNotice('RESULT_PUBLISHED', { ...base, result: '审核不通过' }).inapp.body).toContain('审核不通过');
    expect(renderNotice('WINDOW_CLOSING_2H', base).sms.text).toContain('2026-03-01 17:00');
  });

  it('never carry an ID number', () => {
    expect(() => renderNotice('SUBMITTED', { ...base, name: '张三 11010519491231002X' })).toThrow(/ID number/);
    expect(() => renderSms('SUBMITTED', { ...base, year: '110105491231002' })).toThrow(/ID number/);
    for (const t of Object.values(ALL_TEMPLATES)) expect(JSON.stringify(t)).not.toMatch(/idNumber|身份证/i);
  });

  it('mark results, returns, deadlines and account codes mandatory (they cannot be muted)', () => {
    const mandatory = Object.entries(ALL_TEMPLATES).filter(([, t]) => t.mandatory).map(([c]) => c).sort();
    expect(mandatory).toEqual(
      ['ACCOUNT_CODE', 'AUTO_SUBMITTED', 'NOT_SUBMITTED', 'RESULT_PUBLISHED', 'RETURNED', 'RETURN_DEADLINE_24H', 'RETURN_EXPIRED', 'WINDOW_CLOSING_24H', 'WINDOW_CLOSING_2H'].sort(),
    );
    expect(Object.keys(NOTICE_TEMPLATES).sort()).toEqual([...TEMPLATE_CODES].sort());
    expect(ALL_TEMPLATES.ACCOUNT_CODE.variables).toEqual(['code', 'action']);
  });

  it('pick the template of a transition by its target state; results wait for publication', () => {
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

describe('FileSmsSender (the development sink)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sms-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('appends one JSON line per SMS, text built from the approved template, with the out-id', async () => {
    const sms = new FileSmsSender(join(dir, 'sms'), () => new Date('2026-02-12T01:00:00Z'));
    expect(sms.provider).toBe('file');
    await sms.send({ to: '13800000000', templateCode: 'SUBMITTED', params: base }, { outId: 'row-1' });
    await sms.send({ to: '13900000000', templateCode: 'RETURNED', params: base });
    await sms.send({ to: '13900000000', templateCode: 'ACCOUNT_CODE', params: { code: '012345', action: '账号激活' } });
    expect(await readdir(join(dir, 'sms'))).toEqual(['sms.jsonl']);
    const lines = (await readFile(sms.file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ to: '13800000000', templateCode: 'SUBMITTED', at: '2026-02-12T01:00:00.000Z', outId: 'row-1' });
    expect(lines[0]?.['text']).toBe(`【医师资格考试】${renderSms('SUBMITTED', base)}`);
    expect(lines[1]?.['text']).toContain('2026-03-01 17:00');
    expect(lines[2]).toMatchObject({ templateCode: 'ACCOUNT_CODE', params: { code: '012345', action: '账号激活' } });
    expect(lines[2]?.['text']).toContain('验证码012345');
  });
});
