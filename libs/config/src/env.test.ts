import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

const key = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('parses and applies defaults', () => {
    const c = loadConfig(['PORT', 'REDIS_URL', 'COOKIE_SECURE', 'ID_ENC_KEY'], { PORT: '3101', ID_ENC_KEY: key });
    expect(c).toEqual({ PORT: 3101, REDIS_URL: 'redis://127.0.0.1:6379', COOKIE_SECURE: false, ID_ENC_KEY: key });
  });
  it('names every bad variable without echoing secret values', () => {
    try {
      loadConfig(['PORT', 'DATABASE_URL', 'ID_ENC_KEY'], { PORT: 'x', ID_ENC_KEY: 'c2VjcmV0' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/DATABASE_URL/);
      expect(msg).toMatch(/ID_ENC_KEY: must be 32 bytes/);
      expect(msg).not.toContain('c2VjcmV0');
    }
  });
  it('reads the ID-number keyring, the upload limits and the retention, refusing malformed or too short values', () => {
    const k2 = Buffer.alloc(32, 3).toString('base64');
    expect(loadConfig(['ID_ENC_KEYS', 'ID_ENC_KEY_CURRENT'], { ID_ENC_KEYS: `1:${key},2:${k2}`, ID_ENC_KEY_CURRENT: '2' })).toEqual({
      ID_ENC_KEYS: `1:${key},2:${k2}`,
      ID_ENC_KEY_CURRENT: 2,
    });
    expect(loadConfig(['UPLOAD_LIMIT_PER_HOUR', 'UPLOAD_LIMIT_PER_YEAR', 'RAW_UPLOAD_RETENTION_DAYS', 'AUDIT_RETENTION_DAYS'], {})).toEqual({
      UPLOAD_LIMIT_PER_HOUR: 60,
      UPLOAD_LIMIT_PER_YEAR: 300,
      RAW_UPLOAD_RETENTION_DAYS: 7,
      AUDIT_RETENTION_DAYS: 1095,
    });
    try {
      loadConfig(['ID_ENC_KEYS', 'ID_ENC_KEY_CURRENT', 'AUDIT_RETENTION_DAYS'], {
        ID_ENC_KEYS: `1:${key},x:${k2},2:c2VjcmV0,1:${k2}`,
        ID_ENC_KEY_CURRENT: '256',
        AUDIT_RETENTION_DAYS: '179',
      });
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/ID_ENC_KEYS: entry 2 must be kid:base64/);
      expect(msg).toMatch(/ID_ENC_KEYS: key id 2 must be 32 bytes/);
      expect(msg).toMatch(/ID_ENC_KEYS: key id 1 appears twice/);
      expect(msg).toMatch(/ID_ENC_KEY_CURRENT/);
      expect(msg).toMatch(/AUDIT_RETENTION_DAYS/);
      expect(msg).not.toContain(k2);
      expect(msg).not.toContain(key);
    }
  });

  it('reads the SMS provider settings: template codes per event, Aliyun needing its key pair, sign and codes', () => {
    expect(loadConfig(['SMS_PROVIDER', 'SMS_TEMPLATE_CODES'], { SMS_TEMPLATE_CODES: 'RETURNED=SMS_123, ACCOUNT_CODE = SMS_9 ,' })).toEqual({
      SMS_PROVIDER: 'file',
      SMS_TEMPLATE_CODES: { RETURNED: 'SMS_123', ACCOUNT_CODE: 'SMS_9' },
    });
    const keys = ['SMS_PROVIDER', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_CODES', 'ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET'] as const;
    try {
      loadConfig(keys, { SMS_PROVIDER: 'aliyun', ALIYUN_ACCESS_KEY_SECRET: 'top-secret', SMS_TEMPLATE_CODES: 'RETURNED=SMS_1,bad entry,RETURNED=SMS_2' });
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/SMS_TEMPLATE_CODES: entry 2 must be EVENT=TEMPLATE_CODE/);
      expect(msg).toMatch(/SMS_TEMPLATE_CODES: RETURNED appears twice/);
      expect(msg).toMatch(/ALIYUN_ACCESS_KEY_ID: required with SMS_PROVIDER=aliyun/);
      expect(msg).toMatch(/SMS_SIGN_NAME: required with SMS_PROVIDER=aliyun/);
      expect(msg).not.toContain('top-secret');
    }
    expect(loadConfig(['NOTIFY_EMAIL_PER_SECOND', 'NOTIFY_SMS_PER_SECOND', 'NOTIFY_INAPP_PER_SECOND', 'NOTIFY_DELIVERY_CONCURRENCY', 'SMTP_POOL_SIZE'], {})).toEqual({
      NOTIFY_EMAIL_PER_SECOND: 50,
      NOTIFY_SMS_PER_SECOND: 10,
      NOTIFY_INAPP_PER_SECOND: 1000,
      NOTIFY_DELIVERY_CONCURRENCY: 10,
      SMTP_POOL_SIZE: 5,
    });
  });
});
