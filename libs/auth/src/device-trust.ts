import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';

/**
 * "The owner's usual device": after a successful login a browser gets a signed, HttpOnly cookie naming the
 * accounts that logged in from it (as short hashes). An attempt carrying it for the same account is counted in
 * its own bucket, so strangers guessing at the account from elsewhere never lock the owner's own phone out.
 * Stateless: nothing to store, and a forged or edited cookie fails its MAC.
 */
export const DEVICE_COOKIE = 'exam_dev';
const DEVICE_COOKIE_DAYS = 180;
const MAX_ACCOUNTS = 5;

export interface DeviceTrust {
  /** The device id when the request's cookie is valid and names `account`, else null. */
  trustedDevice(req: Request, account: string): string | null;
  /** Adds `account` to this browser's cookie (a new device id when it has none). */
  remember(req: Request, res: Response, account: string): void;
}

export const deviceCookieName = (secure: boolean) => (secure ? `__Host-${DEVICE_COOKIE}` : DEVICE_COOKIE);

/** `secretB64` is any 32-byte service secret; the MAC key is derived from it for this purpose only (HKDF). */
export function createDeviceTrust(secretB64: string, secure: boolean): DeviceTrust {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secretB64, 'base64'), Buffer.alloc(0), 'exam device-trust v1', 32));
  const name = deviceCookieName(secure);
  const mac = (body: string) => createHmac('sha256', key).update(body).digest('base64url').slice(0, 32);
  const accountTag = (account: string) => createHmac('sha256', key).update(`acct:${account}`).digest('base64url').slice(0, 16);

  function read(req: Request): { device: string; accounts: string[] } | null {
    const raw: unknown = (req.cookies as Record<string, unknown> | undefined)?.[name];
    if (typeof raw !== 'string' || raw.length > 512) return null;
    const parts = raw.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return null;
    const [, device = '', list = '', sig = ''] = parts;
    const expected = Buffer.from(mac(`v1.${device}.${list}`));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return { device, accounts: list ? list.split('~') : [] };
  }

  const options: CookieOptions = { httpOnly: true, secure, sameSite: 'lax', path: '/', maxAge: DEVICE_COOKIE_DAYS * 86_400_000 };

  return {
    trustedDevice(req, account) {
      const c = read(req);
      return c && c.accounts.includes(accountTag(account)) ? c.device : null;
    },
    remember(req, res, account) {
      const c = read(req) ?? { device: randomBytes(12).toString('base64url'), accounts: [] };
      const tag = accountTag(account);
      const accounts = [tag, ...c.accounts.filter((a) => a !== tag)].slice(0, MAX_ACCOUNTS);
      const body = `v1.${c.device}.${accounts.join('~')}`;
      res.cookie(name, `${body}.${mac(body)}`, options);
    },
  };
}
