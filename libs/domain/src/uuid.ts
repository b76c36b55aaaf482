/**
 * A version-7 UUID (RFC 9562: 48-bit Unix milliseconds, then random bits), the same kind Prisma's
 * `@default(uuid(7))` makes — for rows whose id must be known before the insert (the candidate id is the
 * associated data of the ID-number ciphertext). Web Crypto, so it runs in Node and in the browser.
 */
export function newUuidV7(nowMs: number = Date.now()): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  let ts = Math.floor(nowMs);
  for (let i = 5; i >= 0; i--) {
    b[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
