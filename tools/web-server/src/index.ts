export { startWebServer, WEB_SERVER_TIMEOUTS, type RunningWebServer, type WebServerOptions, type WebServerTimeouts } from './web-server';
export { IMMUTABLE, NO_CACHE, NO_CACHE_FILES, cacheControlFor, contentTypeFor, isContentHashed } from './cache-rules';
export { UPSTREAM_UNAVAILABLE, matchProxyRoute, proxyRequest, toProxyRoutes, type ProxyEdge, type ProxyRoute } from './proxy';
export { resolveClient, type ClientView } from './client-address';
export { HSTS, PERMISSIONS_POLICY, REFERRER_POLICY, contentSecurityPolicy, edgeHeaders, pageLocation, remoteOrigins } from './edge-headers';
export { parseCliArgs, type CliOptions } from './cli-args';
export {
  COMPRESSIBLE_EXTENSIONS,
  PRECOMPRESSED,
  acceptsCoding,
  chooseContentCoding,
  isCompressible,
  parseAcceptEncoding,
  type ContentCoding,
  type VariantCoding,
} from './content-encoding';
