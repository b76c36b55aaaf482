/**
 * Security headers of the static servers and the gateway: a Content-Security-Policy that lets scripts come
 * only from the shell's own origin and the remotes' origins (from the remotes map the server publishes as
 * /remotes.json), no framing, no referrer, only the camera among the powerful features, and HSTS only when
 * the site is served over HTTPS.
 */

/** Features the pages may use: the camera (candidates photograph their documents), nothing else. */
export const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'midi=()',
  'display-capture=()',
  'accelerometer=()',
  'gyroscope=()',
  'magnetometer=()',
].join(', ');

export const HSTS = 'max-age=31536000; includeSubDomains';
export const REFERRER_POLICY = 'no-referrer';

/** The page the browser is on, as the shell resolves `{hostname}` / `{protocol}` in remotes.json. */
export interface PageLocation {
  protocol: 'http:' | 'https:';
  /** As URL.hostname: `localhost`, `192.168.1.5`, `[::1]`. */
  hostname: string;
}

const HOSTNAME = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])$/i;

/** The page location for a Host header; null when the header is not a plain host[:port]. */
export function pageLocation(host: string | undefined, proto: 'http' | 'https'): PageLocation | null {
  if (!host) return null;
  try {
    const url = new URL(`${proto}://${host}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    return HOSTNAME.test(url.hostname) ? { protocol: `${proto}:`, hostname: url.hostname } : null;
  } catch {
    return null;
  }
}

/**
 * The origins of the remotes' entries for a page: `{hostname}` / `{protocol}` filled in as the shell does
 * (apps/shell/src/mf/remotes-manifest.ts). Entries whose placeholders cannot be filled (no usable Host) are left out.
 */
export function remoteOrigins(remotes: Readonly<Record<string, string>>, page: PageLocation | null): string[] {
  const origins = new Set<string>();
  for (const entry of Object.values(remotes)) {
    const templated = entry.includes('{hostname}') || entry.includes('{protocol}');
    if (templated && !page) continue;
    const filled = page ? entry.replaceAll('{hostname}', page.hostname).replaceAll('{protocol}', page.protocol) : entry;
    try {
      const base = page ? `${page.protocol}//${page.hostname}/` : undefined;
      const origin = new URL(filled, base).origin;
      if (origin !== 'null' && (!page || origin !== new URL(`${page.protocol}//${page.hostname}`).origin)) origins.add(origin);
    } catch {
      // a relative entry without a page, or garbage: nothing to allow
    }
  }
  return [...origins].sort();
}

/**
 * The policy: everything from 'self', scripts, styles, images, fonts and fetches also from the remotes' origins.
 * Styles need 'unsafe-inline': antd writes its CSS-in-JS into <style> elements, and index.html has one.
 */
export function contentSecurityPolicy(remotes: readonly string[] = []): string {
  const withRemotes = (...sources: string[]) => [...sources, ...remotes].join(' ');
  return [
    `default-src 'self'`,
    `script-src ${withRemotes(`'self'`)}`,
    `style-src ${withRemotes(`'self'`, `'unsafe-inline'`)}`,
    `img-src ${withRemotes(`'self'`, 'data:', 'blob:')}`,
    `font-src ${withRemotes(`'self'`, 'data:')}`,
    `connect-src ${withRemotes(`'self'`)}`,
    `media-src 'self' blob:`,
    `worker-src 'self' blob:`,
    `manifest-src 'self'`,
    `object-src 'none'`,
    `frame-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

export interface EdgeHeaderOptions {
  /** Origins whose scripts the page may run (the remotes'). */
  remoteOrigins?: readonly string[];
  /** Served over HTTPS: send Strict-Transport-Security. */
  secure: boolean;
  /** Files another origin loads (a remote's remoteEntry.js and chunks): Cross-Origin-Resource-Policy cross-origin. */
  crossOrigin: boolean;
}

/** The headers every response of a static server carries. */
export function edgeHeaders(opts: EdgeHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(opts.remoteOrigins),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': REFERRER_POLICY,
    'permissions-policy': PERMISSIONS_POLICY,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': opts.crossOrigin ? 'cross-origin' : 'same-origin',
  };
  if (opts.secure) headers['strict-transport-security'] = HSTS;
  return headers;
}
