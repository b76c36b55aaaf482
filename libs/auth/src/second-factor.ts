import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';

/** Staff accounts' second factor: TOTP (RFC 6238, SHA-1, 6 digits, 30 s — what every authenticator app speaks). */
export const TOTP_ISSUER = '医师资格考试审核系统';
const PERIOD = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

/** otpauth:// URI for the QR code the authenticator app scans. */
export function totpUri(secret: string, accountLabel: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: accountLabel, secret });
}

/**
 * Checks a 6-digit code, accepting the previous and next 30-second step (clock drift), and never a step at or
 * before `lastStep` (a code seen once — by a shoulder-surfer or a phishing proxy — cannot be replayed).
 * Returns the accepted step to store, or null.
 */
export async function verifyTotp(secret: string, code: string, lastStep: bigint | null, now: Date): Promise<bigint | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: PERIOD,
    ...(lastStep !== null ? { afterTimeStep: Number(lastStep) } : {}),
  });
  return result.valid && 'timeStep' in result ? BigInt(result.timeStep) : null;
}

// Recovery codes: 10 × 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as XXXX-XXXX-XXXX.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  });
}

/** Recovery codes are stored as SHA-256 of the normalised code (60 bits of randomness: no slow hash needed). */
export function hashRecoveryCode(code: string): string {
  const normal = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return createHash('sha256').update(`recovery:${normal}`, 'utf8').digest('hex');
}

const totpKey = (secretB64: string) =>
  Buffer.from(hkdfSync('sha256', Buffer.from(secretB64, 'base64'), Buffer.alloc(0), 'exam totp-secret v1', 32));

/** AES-256-GCM of a TOTP secret at rest (iv | tag | data), bound to the user id as associated data. */
export function sealTotpSecret(serviceSecretB64: string, userId: string, secret: string): Buffer<ArrayBuffer> {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', totpKey(serviceSecretB64), iv);
  c.setAAD(Buffer.from(userId, 'utf8'));
  const data = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), data]);
}

export function openTotpSecret(serviceSecretB64: string, userId: string, sealed: Uint8Array): string {
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const d = createDecipheriv('aes-256-gcm', totpKey(serviceSecretB64), buf.subarray(0, 12));
  d.setAAD(Buffer.from(userId, 'utf8'));
  d.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
}
