import { describe, expect, it } from 'vitest';
import { createAddressMatcher, parseAddressList } from './address-list.js';
import { ConfigError, loadConfig } from './env.js';

describe('address lists (TRUSTED_PROXIES, GATEWAY_ADDRESSES)', () => {
  it('reads addresses, CIDRs and the loopback/linklocal/uniquelocal names, comma- or space-separated', () => {
    expect(parseAddressList('loopback, 10.0.0.0/8 172.28.0.10,::ffff:192.0.2.1  fd00::/8')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '172.28.0.10',
      '192.0.2.1',
      'fd00::/8',
    ]);
    expect(parseAddressList('')).toEqual([]);
  });

  it('refuses anything else, naming the entry', () => {
    expect(() => parseAddressList('10.0.0.0/33')).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseAddressList('gateway.local')).toThrow(/gateway\.local/);
    expect(() => parseAddressList('10.0.0.1/8/1')).toThrow();
    expect(() => loadConfig(['GATEWAY_ADDRESSES'], { GATEWAY_ADDRESSES: 'everyone' })).toThrow(ConfigError);
  });

  it('matches addresses against the list, IPv4-mapped IPv6 as IPv4', () => {
    const trusted = createAddressMatcher(['loopback', '10.1.0.0/16', '2001:db8::1']);
    expect(trusted('127.0.0.1')).toBe(true);
    expect(trusted('::ffff:127.0.0.1')).toBe(true);
    expect(trusted('::1')).toBe(true);
    expect(trusted('10.1.200.3')).toBe(true);
    expect(trusted('10.2.0.1')).toBe(false);
    expect(trusted('2001:db8::1')).toBe(true);
    expect(trusted('2001:db8::2')).toBe(false);
    expect(trusted('203.0.113.7')).toBe(false);
    expect(trusted('not-an-ip')).toBe(false);
    expect(createAddressMatcher([])('127.0.0.1')).toBe(false);
  });

  it('services trust the gateway on loopback by default, the gateway trusts no proxy by default', () => {
    const c = loadConfig(['GATEWAY_ADDRESSES', 'TRUSTED_PROXIES'], {});
    expect(c).toEqual({ GATEWAY_ADDRESSES: ['loopback'], TRUSTED_PROXIES: [] });
  });
});
