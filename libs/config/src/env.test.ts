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
});
