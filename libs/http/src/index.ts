export { createLogger, LOG_REDACT_PATHS, type Logger } from './logger.js';
export { createServiceApp, type ServiceName, type ServiceAppOptions } from './app.js';
export { parse, observeParse, errorHandler, notFoundHandler, toErrorResponse, type ErrorMapper, type ParseObserver } from './errors.js';
export {
  ACCEPTED_BODY_TYPES,
  assertValidText,
  findInvalidText,
  guardBodyType,
  guardJsonBody,
  guardUrl,
  invalidTextError,
  isValidText,
  type InputLocation,
} from './input-guard.js';
export { requestId, REQUEST_ID_HEADER } from './request-id.js';
export {
  createHttpServer,
  startHttpServer,
  onShutdown,
  SERVER_TIMEOUTS,
  type HttpServerHandle,
  type ServerTimeouts,
  type StartHttpServerOptions,
} from './server.js';
export { trustGateway } from './client-ip.js';
export { findDemoData, refuseDemoDataInProduction } from './demo-guard.js';
export { pgReadiness, redisReadiness, runReadiness, type ReadinessCheck, type ReadinessResult } from './readiness.js';
export { runService, SERVICE_ENV_KEYS, type ServiceInfra } from './run-service.js';
export { isDependencyUnavailable, requireRedisReady, serviceUnavailable, SERVICE_UNAVAILABLE_CODE, SERVICE_UNAVAILABLE_MESSAGE } from './unavailable.js';
export {
  HTTP_LATENCY_BUCKETS,
  METRICS_PATH,
  UNMATCHED_ROUTE,
  createServiceMetrics,
  processMetrics,
  renderMetrics,
  routeLabel,
  type ServiceMetrics,
} from './metrics.js';
export { singleFileUpload, type SingleFileUploadOptions } from './single-file-upload.js';
