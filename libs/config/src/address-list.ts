import { BlockList, isIP } from 'node:net';

/** Names accepted in an address list, as Express's `trust proxy` (proxy-addr) understands them. */
export const ADDRESS_NAMES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `::ffff:10.0.0.1` → `10.0.0.1`; anything else unchanged. */
export function normalizeAddress(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m ? m[1]! : address;
}

function checkEntry(entry: string): string | null {
  if (entry in ADDRESS_NAMES) return null;
  const [ip = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return `"${entry}" is not an address, a CIDR or one of ${Object.keys(ADDRESS_NAMES).join(', ')}`;
  const family = isIP(ip);
  if (!family) return `"${entry}" is not an address, a CIDR or one of ${Object.keys(ADDRESS_NAMES).join(', ')}`;
  if (prefix !== undefined) {
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) return `"${entry}" has a bad prefix length`;
  }
  return null;
}

/**
 * Parses a comma- or space-separated list of addresses, CIDRs (`10.0.0.0/8`, `fd00::/8`) and the names
 * loopback, linklocal, uniquelocal. The same syntax Express's `trust proxy` accepts. Throws on a bad entry
 * (addresses are not secrets: the entry is named).
 */
export function parseAddressList(text: string): string[] {
  const entries = text
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const problems = entries.map(checkEntry).filter((p): p is string => p !== null);
  if (problems.length) throw new Error(problems.join('; '));
  return [...new Set(entries.map((e) => (e.includes('/') ? e : normalizeAddress(e))))];
}

/** A predicate "is this socket address / X-Forwarded-For hop in the list". IPv4-mapped IPv6 counts as IPv4. */
export function createAddressMatcher(list: readonly string[]): (address: string) => boolean {
  const blocks = new BlockList();
  for (const entry of list.flatMap((e) => ADDRESS_NAMES[e] ?? [e])) {
    const [ip = '', prefix] = entry.split('/');
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) blocks.addAddress(normalizeAddress(ip), type);
    else blocks.addSubnet(ip, Number(prefix), type);
  }
  return (address: string) => {
    const a = normalizeAddress(address.trim());
    const family = isIP(a);
    return family !== 0 && blocks.check(a, family === 6 ? 'ipv6' : 'ipv4');
  };
}
