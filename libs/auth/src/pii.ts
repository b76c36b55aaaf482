import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { normalizeIdNumber } from '@exam/domain';

const IV_LEN = 12;
const TAG_LEN = 16;

function key32(keyB64: string, what: string): Buffer {
  const key = Buffer.from(keyB64, 'base64');
  if (key.length !== 32) throw new Error(`${what} must be 32 bytes, base64-encoded`);
  return key;
}

/** AES-256-GCM of the normalised ID number: iv(12) | tag(16) | ciphertext (assignable to Prisma `Bytes`). */
export function encryptIdNumber(keyB64: string, plain: string): Buffer<ArrayBuffer> {
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv('aes-256-gcm', key32(keyB64, 'ID_ENC_KEY'), iv);
  const data = Buffer.concat([cipher.update(normalizeIdNumber(plain), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]);
}

/** Reverses encryptIdNumber; throws when the data was tampered with or the key is wrong. */
export function decryptIdNumber(keyB64: string, data: Uint8Array): string {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < IV_LEN + TAG_LEN + 1) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key32(keyB64, 'ID_ENC_KEY'), buf.subarray(0, IV_LEN));
  decipher.setAuthTag(buf.subarray(IV_LEN, IV_LEN + TAG_LEN));
  return Buffer.concat([decipher.update(buf.subarray(IV_LEN + TAG_LEN)), decipher.final()]).toString('utf8');
}

/** HMAC-SHA256 (hex) of the normalised ID number: the look-up key stored beside the ciphertext. */
export function hashIdNumber(hmacKeyB64: string, plain: string): string {
  return createHmac('sha256', key32(hmacKeyB64, 'ID_HASH_KEY')).update(normalizeIdNumber(plain), 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes. */
export function idNumberHashEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
