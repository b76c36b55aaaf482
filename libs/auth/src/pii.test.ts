import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptIdNumber, encryptIdNumber, hashIdNumber, idNumberHashEquals } from './pii.js';

const encKey = randomBytes(32).toString('base64');
const hashKey = randomBytes(32).toString('base64');

describe('ID number protection', () => {
  it('encrypts with a fresh iv and decrypts the normalised number', () => {
    const a = encryptIdNumber(encKey, ' 12010119900101123x ');
    const b = encryptIdNumber(encKey, '12010119900101123X');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('120101');
    expect(decryptIdNumber(encKey, a)).toBe('12010119900101123X');
    expect(decryptIdNumber(encKey, new Uint8Array(b))).toBe('12010119900101123X');
  });

  it('refuses tampered ciphertext and a wrong key', () => {
    const c = encryptIdNumber(encKey, '120101199001011234');
    const tampered = Buffer.from(c);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decryptIdNumber(encKey, tampered)).toThrow();
    expect(() => decryptIdNumber(randomBytes(32).toString('base64'), c)).toThrow();
    expect(() => encryptIdNumber('c2hvcnQ=', 'x')).toThrow(/32 bytes/);
  });

  it('hashes the normalised number with the keyed HMAC', () => {
    const h = hashIdNumber(hashKey, '12010119900101123x');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(idNumberHashEquals(h, hashIdNumber(hashKey, ' 12010119900101123X'))).toBe(true);
    expect(idNumberHashEquals(h, hashIdNumber(randomBytes(32).toString('base64'), '12010119900101123X'))).toBe(false);
    expect(idNumberHashEquals(h, hashIdNumber(hashKey, '120101199001011234'))).toBe(false);
  });
});
