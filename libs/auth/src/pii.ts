import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError, loadConfig } from '@exam/config';
import { normalizeIdNumber } from '@exam/domain';

const IV_LEN = 12;
const TAG_LEN = 16;
/** Ciphertext format version 1: version(1) | kid(1) | iv(12) | tag(16) | data, the candidate id as associated data. */
const V1 = 0x01;
const V1_HEADER = 2;
/** The single ID_ENC_KEY of the first format is key id 1 of the keyring. */
export const LEGACY_KEY_ID = 1;

/**
 * The ID-number keys by key id (1–255) and the id new ciphertexts are made with. Old keys stay in the ring until
 * `npm run pii:rekey` moved every row to the current one, so keys rotate without downtime.
 */
export interface IdKeyring {
  readonly currentKid: number;
  readonly keys: ReadonlyMap<number, Buffer>;
}
/** A keyring, or one base64 key (= a keyring holding only key id 1, the ID_ENC_KEY form). */
export type IdKeyringInput = IdKeyring | string;

function key32(keyB64: string, what: string): Buffer {
  const key = Buffer.from(keyB64, 'base64');
  if (key.length !== 32) throw new Error(`${what} must be 32 bytes, base64-encoded`);
  return key;
}

/**
 * Builds the keyring from ID_ENC_KEYS (`kid:base64,…`), ID_ENC_KEY_CURRENT and the single ID_ENC_KEY (key id 1).
 * Throws ConfigError (naming variables, never values) when no key is given, ID_ENC_KEY and kid 1 of ID_ENC_KEYS
 * differ, the current id is not in the ring, or the ring holds several keys and does not say which is current.
 */
export function buildIdKeyring(input: { ID_ENC_KEY?: string | undefined; ID_ENC_KEYS?: string | undefined; ID_ENC_KEY_CURRENT?: number | undefined }): IdKeyring {
  const keys = new Map<number, Buffer>();
  const problems: string[] = [];
  for (const [i, entry] of (input.ID_ENC_KEYS ?? '').split(',').filter((e) => e.trim()).entries()) {
    const m = /^\s*(\d{1,3})\s*:\s*([A-Za-z0-9+/=]+)\s*$/.exec(entry);
    const kid = m ? Number(m[1]) : NaN;
    const key = m ? Buffer.from(m[2]!, 'base64') : Buffer.alloc(0);
    if (!m || kid < 1 || kid > 255 || key.length !== 32) problems.push(`ID_ENC_KEYS: entry ${i + 1} must be kid:base64 (kid 1-255, 32-byte key)`);
    else if (keys.has(kid)) problems.push(`ID_ENC_KEYS: key id ${kid} appears twice`);
    else keys.set(kid, key);
  }
  if (input.ID_ENC_KEY) {
    const single = Buffer.from(input.ID_ENC_KEY, 'base64');
    const listed = keys.get(LEGACY_KEY_ID);
    if (single.length !== 32) problems.push('ID_ENC_KEY: must be 32 bytes, base64-encoded');
    else if (listed && !listed.equals(single)) problems.push(`ID_ENC_KEY: differs from key id ${LEGACY_KEY_ID} of ID_ENC_KEYS`);
    else keys.set(LEGACY_KEY_ID, single);
  }
  let currentKid = input.ID_ENC_KEY_CURRENT;
  if (!keys.size && !problems.length) problems.push('ID_ENC_KEY or ID_ENC_KEYS: required (32 random bytes, base64)');
  if (currentKid === undefined && keys.size === 1) currentKid = [...keys.keys()][0];
  if (keys.size && currentKid === undefined) problems.push('ID_ENC_KEY_CURRENT: required when the keyring holds more than one key');
  else if (currentKid !== undefined && keys.size && !keys.has(currentKid)) problems.push(`ID_ENC_KEY_CURRENT: key id ${currentKid} is not in the keyring`);
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze({ currentKid: currentKid!, keys });
}

/** Reads ID_ENC_KEY / ID_ENC_KEYS / ID_ENC_KEY_CURRENT from the environment (ConfigError when wrong or missing). */
export function loadIdKeyring(env: Record<string, string | undefined> = process.env): IdKeyring {
  return buildIdKeyring(loadConfig(['ID_ENC_KEY', 'ID_ENC_KEYS', 'ID_ENC_KEY_CURRENT'], env));
}

function ringOf(input: IdKeyringInput): IdKeyring {
  if (typeof input !== 'string') return input;
  return { currentKid: LEGACY_KEY_ID, keys: new Map([[LEGACY_KEY_ID, key32(input, 'ID_ENC_KEY')]]) };
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** The associated data binding a ciphertext to its header and to the candidate it belongs to. */
function aadOf(header: Buffer, candidateId: string): Buffer {
  if (!candidateId) throw new Error('the candidate id is required (it is the associated data of the ciphertext)');
  return Buffer.concat([header, Buffer.from(`Candidate.idNumber:${candidateId.toLowerCase()}`, 'utf8')]);
}

/**
 * AES-256-GCM of the normalised ID number under the keyring's current key, bound to `candidateId` as associated
 * data (a ciphertext copied to another candidate's row does not decrypt):
 * 0x01 | kid | iv(12) | tag(16) | ciphertext (assignable to Prisma `Bytes`).
 */
export function encryptIdNumber(keyring: IdKeyringInput, candidateId: string, plain: string): Buffer<ArrayBuffer> {
  const ring = ringOf(keyring);
  const key = ring.keys.get(ring.currentKid);
  if (!key) throw new Error(`ID number key id ${ring.currentKid} is not in the keyring`);
  const header = Buffer.from([V1, ring.currentKid]);
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aadOf(header, candidateId));
  const data = Buffer.concat([cipher.update(normalizeIdNumber(plain), 'utf8'), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), data]);
}

function openGcm(key: Buffer, body: Buffer, aad: Buffer | null): string {
  const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_LEN));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(body.subarray(IV_LEN, IV_LEN + TAG_LEN));
  return Buffer.concat([decipher.update(body.subarray(IV_LEN + TAG_LEN)), decipher.final()]).toString('utf8');
}

function tryOpenV1(ring: IdKeyring, candidateId: string, buf: Buffer): { plain: string; kid: number } | null {
  if (buf.length < V1_HEADER + IV_LEN + TAG_LEN + 1 || buf[0] !== V1) return null;
  const kid = buf[1]!;
  const key = ring.keys.get(kid);
  if (!key) return null;
  try {
    return { plain: openGcm(key, buf.subarray(V1_HEADER), aadOf(buf.subarray(0, V1_HEADER), candidateId)), kid };
  } catch {
    return null;
  }
}

export interface OpenedIdNumber {
  plain: string;
  /** the key id it was encrypted with; null = the first format (iv|tag|data under key id 1, no associated data) */
  kid: number | null;
}

/**
 * Reverses encryptIdNumber, picking the key by the ciphertext's key id; a row of the first format (iv|tag|data
 * under ID_ENC_KEY = key id 1, not bound to a candidate) still decrypts until it is re-encrypted. Throws when the
 * data was tampered with, belongs to another candidate, or its key is not in the keyring.
 */
export function openIdNumber(keyring: IdKeyringInput, candidateId: string, data: Uint8Array): OpenedIdNumber {
  const ring = ringOf(keyring);
  const buf = asBuffer(data);
  if (buf.length < IV_LEN + TAG_LEN + 1) throw new Error('ciphertext too short');
  const v1 = tryOpenV1(ring, candidateId, buf);
  if (v1) return v1;
  // the first format: a random iv may begin with the version byte, so this is tried whenever v1 did not open
  const legacy = ring.keys.get(LEGACY_KEY_ID);
  if (legacy) {
    try {
      return { plain: openGcm(legacy, buf, null), kid: null };
    } catch {
      // fall through to the error below
    }
  }
  if (buf[0] === V1 && !ring.keys.has(buf[1]!)) throw new Error(`ID number key id ${buf[1]} is not in the keyring`);
  throw new Error('ID number could not be decrypted (wrong key, another candidate, or tampered)');
}

/** The plain ID number (see openIdNumber). */
export function decryptIdNumber(keyring: IdKeyringInput, candidateId: string, data: Uint8Array): string {
  return openIdNumber(keyring, candidateId, data).plain;
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
