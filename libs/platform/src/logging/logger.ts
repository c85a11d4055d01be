import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Secret-bearing keys, at the top of a log object and one level down (`*.key`). */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  '["x-api-key"]',
  'ciphertext',
  'nonce',
  'api_key',
  'device_token',
  'webhook_secret',
  'secret',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
];

export const REDACTED_PATHS: string[] = [
  ...SECRET_KEYS.flatMap((key) => (key.startsWith('[') ? [key.slice(1, -1), `*${key}`] : [key, `*.${key}`])),
  // Header objects are usually nested under a request: `{ req: { headers: { authorization } } }`.
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
];

function loggerOptions(): pino.LoggerOptions {
  return {
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
}

// One root logger, so every named logger shares a single stdout writer and level.
let root: Logger | undefined;

/**
 * A named pino logger. The level comes from LOG_LEVEL (default `info`), read on first use.
 * `destination` gives a standalone logger writing elsewhere (tests, tooling).
 */
export function createLogger(name: string, destination?: DestinationStream): Logger {
  if (destination !== undefined) {
    return pino({ ...loggerOptions(), name }, destination);
  }
  // Asynchronous writes: a busy process never waits on the log pipe (pino flushes what is pending on exit).
  root ??= pino(loggerOptions(), pino.destination({ dest: 1, sync: false }));
  return root.child({ name });
}
