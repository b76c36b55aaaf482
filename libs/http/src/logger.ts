import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Paths pino censors wherever they appear (top level and up to two levels deep).
 * Secrets and personal data must never reach the logs (DESIGN §10).
 */
const SENSITIVE = ['password', 'confirmPassword', 'passwordHash', 'idNumber', 'token', 'csrfToken', 'cookie', 'authorization'];
export const LOG_REDACT_PATHS: string[] = [
  ...SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'req.body',
  'res.body',
  'body',
];

/** JSON logger for a service or worker (one line per event, ISO timestamps, `service` on every line). */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: LOG_REDACT_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
