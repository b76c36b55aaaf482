import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { normalizeAddress } from '@exam/config';

/** Who the gateway is talking to, as far as it can tell. */
export interface ClientView {
  /** The client's address: the socket's peer, or the first untrusted hop of a trusted proxy's X-Forwarded-For. */
  address: string;
  /** The scheme the client used: the socket's, or a trusted proxy's X-Forwarded-Proto. */
  proto: 'http' | 'https';
  /** The host the client asked for: the Host header, or a trusted proxy's X-Forwarded-Host. */
  host: string | undefined;
}

/** `1.2.3.4:5678` → `1.2.3.4`, `[::1]:80` → `::1` (some proxies write ports into X-Forwarded-For). */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}

function headerList(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * Resolves the client of a request. The socket's peer is the client unless it is a trusted proxy; then its
 * X-Forwarded-For is walked right to left, hop by hop, for as long as the hop just taken is trusted too.
 * A client that is not a trusted proxy cannot put anything in front of its own address.
 */
export function resolveClient(req: IncomingMessage, isTrustedProxy: (address: string) => boolean): ClientView {
  const peer = normalizeAddress(req.socket.remoteAddress ?? '');
  const ownProto = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  if (!isTrustedProxy(peer)) return { address: peer, proto: ownProto, host: req.headers.host };

  const hops = headerList(req.headers['x-forwarded-for']);
  let address = peer;
  while (isTrustedProxy(address) && hops.length) {
    const hop = normalizeAddress(withoutPort(hops.pop()!));
    if (!isIP(hop)) break; // a malformed hop: the last trusted proxy is as far as we can see
    address = hop;
  }
  const proto = headerList(req.headers['x-forwarded-proto'])[0]?.toLowerCase();
  const host = headerList(req.headers['x-forwarded-host'])[0];
  return {
    address,
    proto: proto === 'https' || proto === 'http' ? proto : ownProto,
    host: host ?? req.headers.host,
  };
}
