export { startWebServer, type RunningWebServer, type WebServerOptions } from './web-server';
export { IMMUTABLE, NO_CACHE, NO_CACHE_FILES, cacheControlFor, contentTypeFor, isContentHashed } from './cache-rules';
export { UPSTREAM_UNAVAILABLE, matchProxyRoute, proxyRequest, toProxyRoutes, type ProxyRoute } from './proxy';
export { parseCliArgs, type CliOptions } from './cli-args';
