export { createLogger, LOG_REDACT_PATHS, type Logger } from './logger.js';
export { createServiceApp, type ServiceName, type ServiceAppOptions } from './app.js';
export { parse, errorHandler, notFoundHandler, toErrorResponse, type ErrorMapper } from './errors.js';
export { requestId, REQUEST_ID_HEADER } from './request-id.js';
export { startHttpServer, onShutdown, type HttpServerHandle, type StartHttpServerOptions } from './server.js';
export { pgReadiness, redisReadiness, runReadiness, type ReadinessCheck, type ReadinessResult } from './readiness.js';
export { runService, SERVICE_ENV_KEYS, type ServiceInfra } from './run-service.js';
