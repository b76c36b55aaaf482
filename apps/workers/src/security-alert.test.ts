import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSecurityAlert } from './security-alert.service.js';
import { createFixture, waitFor, type Fixture } from './test-fixtures.js';

describe('notify.security-alert (real Postgres, Redis, BullMQ worker and SMTP sink)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
    f.deps.securityAlertEmail = 'security@exam.local';
  });
  afterAll(() => f?.close());

  it('mails the operators one alert per audit row, with the account masked, however often the job runs', async () => {
    const row = await f.prisma.auditLog.create({
      data: {
        actorType: 'SYSTEM',
        action: 'security.alert',
        targetType: 'account',
        ip: '203.0.113.9',
        details: { kind: 'ACCOUNT_BLOCKED', action: 'login', account: 'cand:2026120001', ip: '203.0.113.9', blockSeconds: 900, blockCount: 1 },
      },
    });
    const rt = f.startWorkers(['notify']);
    await f.producer.add('notify.security-alert', { auditId: String(row.id) });
    const mails = await waitFor(async () => {
      const m = await f.mails();
      return m.length === 1 && m;
    });
    await rt.close();
    const mail = mails[0]!;
    expect(mail).toMatch(/To: security@exam\.local/);
    expect(mail).toContain(`security-alert-${row.id}@exam.local`);
    const body = decodeBody(mail);
    expect(body).toContain('账号：cand:2026****01');
    expect(body).toContain('来源 IP：203.0.113.9');
    expect(body).not.toContain('2026120001');

    // the same job run again sends the same Message-ID (a mail server or reader can drop the duplicate)
    expect(await sendSecurityAlert(f.deps, String(row.id))).toBe('sent');
    const again = await f.mails();
    expect(new Set(again.map((m) => /Message-ID: (\S+)/i.exec(m)?.[1])).size).toBe(1);
  });

  it('does nothing for rows that are not security alerts or when no address is configured', async () => {
    const other = await f.prisma.auditLog.create({ data: { actorType: 'SYSTEM', action: 'identity.login', targetType: 'user' } });
    expect(await sendSecurityAlert(f.deps, String(other.id))).toBe('skipped');
    expect(await sendSecurityAlert(f.deps, 'not-a-number')).toBe('skipped');
    expect(await sendSecurityAlert({ ...f.deps, securityAlertEmail: undefined }, String(other.id))).toBe('skipped');
  });
});

/** The text body of a single-part mail, undoing base64 or quoted-printable. */
function decodeBody(raw: string): string {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n');
  const enc = /Content-Transfer-Encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => `%${h}`);
    return decodeURIComponent(bytes);
  }
  return body;
}
