import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@exam/config';
import { newUuidV7 } from '@exam/domain';
import { buildIdKeyring, decryptIdNumber, encryptIdNumber, hashIdNumber, idNumberHashEquals, loadIdKeyring, openIdNumber } from './pii.js';

const encKey = randomBytes(32).toString('base64');
const hashKey = randomBytes(32).toString('base64');
const alice = newUuidV7();
const bob = newUuidV7();

/** What the first format's encryptIdNumber made: iv | tag | data under one key, no associated data. */
function legacyEncrypt(keyB64: string, plain: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyB64, 'base64'), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]);
}

describe('ID number protection', () => {
  it('encrypts with a fresh iv and decrypts the normalised number', () => {
    const a = encryptIdNumber(encKey, alice, ' 12010119900101123x ');
    const b = encryptIdNumber(encKey, alice, '12010119900101123X');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('120101');
    expect(decryptIdNumber(encKey, alice, a)).toBe('12010119900101123X');
    expect(decryptIdNumber(encKey, alice, new Uint8Array(b))).toBe('12010119900101123X');
  });

  it('refuses tampered ciphertext and a wrong key', () => {
    const c = encryptIdNumber(encKey, alice, '120101199001011234');
    const tampered = Buffer.from(c);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decryptIdNumber(encKey, alice, tampered)).toThrow();
    expect(() => decryptIdNumber(randomBytes(32).toString('base64'), alice, c)).toThrow();
    expect(() => encryptIdNumber('c2hvcnQ=', alice, 'x')).toThrow(/32 bytes/);
    expect(() => encryptIdNumber(encKey, '', 'x')).toThrow(/candidate id/);
  });

  it('a ciphertext moved to another candidate does not decrypt', () => {
    const c = encryptIdNumber(encKey, alice, '120101199001011234');
    expect(decryptIdNumber(encKey, alice.toUpperCase(), c)).toBe('120101199001011234');
    expect(() => decryptIdNumber(encKey, bob, c)).toThrow(/could not be decrypted/);
  });

  it('carries its key id, and decrypt picks the key by that id', () => {
    const k1 = randomBytes(32).toString('base64');
    const k2 = randomBytes(32).toString('base64');
    const before = buildIdKeyring({ ID_ENC_KEY: k1 });
    const during = buildIdKeyring({ ID_ENC_KEYS: `1:${k1},2:${k2}`, ID_ENC_KEY_CURRENT: 2 });
    const after = buildIdKeyring({ ID_ENC_KEYS: `2:${k2}` });
    const old = encryptIdNumber(before, alice, '120101199001011234');
    const fresh = encryptIdNumber(during, alice, '120101199001011234');
    expect([old[0], old[1]]).toEqual([1, 1]);
    expect([fresh[0], fresh[1]]).toEqual([1, 2]);
    // during the rotation both decrypt; afterwards the old key is gone and so is what it protected
    expect(openIdNumber(during, alice, old)).toEqual({ plain: '120101199001011234', kid: 1 });
    expect(openIdNumber(during, alice, fresh)).toEqual({ plain: '120101199001011234', kid: 2 });
    expect(decryptIdNumber(after, alice, fresh)).toBe('120101199001011234');
    expect(() => decryptIdNumber(after, alice, old)).toThrow(/key id 1 is not in the keyring/);
    expect(() => decryptIdNumber(before, alice, fresh)).toThrow();
  });

  it('still decrypts a row of the first format (iv|tag|data under ID_ENC_KEY) as key id 1', () => {
    const ring = buildIdKeyring({ ID_ENC_KEYS: `2:${randomBytes(32).toString('base64')}`, ID_ENC_KEY: encKey, ID_ENC_KEY_CURRENT: 2 });
    // many samples, so some ivs begin with the version byte 0x01 and still come out right
    for (let i = 0; i < 300; i++) {
      const legacy = legacyEncrypt(encKey, `12010119900101${String(i).padStart(4, '0')}`);
      expect(openIdNumber(ring, alice, legacy)).toEqual({ plain: `12010119900101${String(i).padStart(4, '0')}`, kid: null });
    }
  });

  it('builds the keyring from ID_ENC_KEYS, ID_ENC_KEY_CURRENT and ID_ENC_KEY (kid 1), refusing what is ambiguous', () => {
    const k1 = randomBytes(32).toString('base64');
    const k2 = randomBytes(32).toString('base64');
    expect(buildIdKeyring({ ID_ENC_KEY: k1 }).currentKid).toBe(1);
    expect(buildIdKeyring({ ID_ENC_KEYS: `7:${k2}` }).currentKid).toBe(7);
    const both = buildIdKeyring({ ID_ENC_KEY: k1, ID_ENC_KEYS: `2:${k2}`, ID_ENC_KEY_CURRENT: 2 });
    expect([...both.keys.keys()].sort()).toEqual([1, 2]);
    const refuse = (input: Parameters<typeof buildIdKeyring>[0], re: RegExp) => {
      try {
        buildIdKeyring(input);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as Error).message).toMatch(re);
        expect((e as Error).message).not.toContain(k1);
        expect((e as Error).message).not.toContain(k2);
      }
    };
    refuse({}, /ID_ENC_KEY or ID_ENC_KEYS: required/);
    refuse({ ID_ENC_KEYS: `1:${k1},2:${k2}` }, /ID_ENC_KEY_CURRENT: required/);
    refuse({ ID_ENC_KEYS: `1:${k1}`, ID_ENC_KEY_CURRENT: 3 }, /key id 3 is not in the keyring/);
    refuse({ ID_ENC_KEYS: `1:${k1}`, ID_ENC_KEY: k2 }, /ID_ENC_KEY: differs from key id 1/);
    refuse({ ID_ENC_KEYS: `1:${k1},1:${k2}`, ID_ENC_KEY_CURRENT: 1 }, /appears twice/);
    refuse({ ID_ENC_KEYS: `300:${k1}` }, /entry 1 must be kid:base64/);
    expect(loadIdKeyring({ ID_ENC_KEYS: `1:${k1},2:${k2}`, ID_ENC_KEY_CURRENT: '2' }).currentKid).toBe(2);
  });

  it('hashes the normalised number with the keyed HMAC', () => {
    const h = hashIdNumber(hashKey, '12010119900101123x');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(idNumberHashEquals(h, hashIdNumber(hashKey, ' 12010119900101123X'))).toBe(true);
    expect(idNumberHashEquals(h, hashIdNumber(randomBytes(32).toString('base64'), '12010119900101123X'))).toBe(false);
    expect(idNumberHashEquals(h, hashIdNumber(hashKey, '120101199001011234'))).toBe(false);
  });
});
