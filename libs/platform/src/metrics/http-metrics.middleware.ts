import type { ExpressMiddleware } from '../http/express-types';
import { routePattern } from '../http/request-path';
import { httpRequestDurationSeconds, httpRequestsTotal } from './metrics';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

// Labels must stay few: the route pattern (never the raw URL), a fixed set of methods,
// and one label for every request that matched no route (scanners, body-parser failures).
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts and times every request. A middleware rather than an interceptor, because interceptors
 * never see requests that fail before a handler runs (unknown routes, unreadable bodies).
 * Install with `app.use()` before the body parser.
 */
export function httpMetricsMiddleware(): ExpressMiddleware {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const method = req.method !== undefined && KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
      const labels = {
        method,
        // Read at the end: express sets req.route only once routing is done.
        route: routePattern(req) ?? UNMATCHED_ROUTE,
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      httpRequestsTotal.inc(labels);
      httpRequestDurationSeconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
