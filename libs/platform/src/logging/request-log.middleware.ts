import type { ExpressMiddleware } from '../http/express-types';
import { requestPath } from '../http/request-path';
import { REQUEST_ID_HEADER, requestIdOf } from '../http/request-id';
import type { Logger } from './logger';

export interface RequestLogOptions {
  /** Paths not logged: probes and scrapes would otherwise drown the useful lines. */
  quietPaths?: readonly string[];
}

const DEFAULT_QUIET_PATHS = ['/metrics', '/health/live', '/health/ready'];

/**
 * One line per request: method, path (no query string), status, duration and request id.
 * Never bodies or headers, which carry secrets and personal data.
 * Install with `app.use()` before the body parser so failed parses are logged too.
 */
export function requestLogMiddleware(logger: Logger, options: RequestLogOptions = {}): ExpressMiddleware {
  const quietPaths = new Set(options.quietPaths ?? DEFAULT_QUIET_PATHS);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const path = requestPath(req);
    if (!quietPaths.has(path)) {
      // 'close' also fires when the client goes away before the response is complete.
      res.once('close', () => {
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        const line = {
          requestId,
          method: req.method,
          path,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 10) / 10,
          ...(res.writableFinished ? {} : { aborted: true }),
        };
        if (res.statusCode >= 500) {
          logger.error(line, 'request');
        } else {
          logger.info(line, 'request');
        }
      });
    }
    next();
  };
}
