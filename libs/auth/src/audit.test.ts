import { describe, expect, it } from 'vitest';
import { sanitizeAuditDetails } from './audit.js';

describe('sanitizeAuditDetails', () => {
  it('drops secret keys and masks ID-number-like values', () => {
    expect(
      sanitizeAuditDetails({
        account: 'T2026001',
        password: 'x',
        idNumber: '120101199001011234',
        nested: { note: '身份证 12010119900101123X 已核验', sessionToken: 'abc' },
      }),
    ).toEqual({ account: 'T2026001', nested: { note: '身份证 [REDACTED] 已核验' } });
  });
});
