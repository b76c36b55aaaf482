import type { Express } from 'express';

/**
 * Believes X-Forwarded-For only from the gateway: Express `trust proxy` becomes exactly `gatewayAddresses`
 * (GATEWAY_ADDRESSES: addresses, CIDRs, loopback/linklocal/uniquelocal). The gateway replaces the header with
 * the client it saw, so `req.ip` (login throttling, audit rows) is that client; a request from anywhere else
 * is judged by its socket address whatever header it sends. An empty list trusts nobody.
 */
export function trustGateway(app: Express, gatewayAddresses: readonly string[]): void {
  app.set('trust proxy', gatewayAddresses.length ? [...gatewayAddresses] : false);
}
