import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger';
import { httpRequestDurationSeconds, httpRequestsTotal } from '../metrics/metrics';
import type { HttpRequest } from './http-types';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { requestPath, routePattern } from './request-path';

export interface RequestLogOptions {
  /** Paths not logged: probes and scrapes would otherwise drown the useful lines. */
  quietPaths?: readonly string[];
}

const DEFAULT_QUIET_PATHS = ['/metrics', '/health/live', '/health/ready'];
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
// Metric labels stay few: the route pattern (never the raw URL), and one label for no route at all.
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Every request gets an id (echoed in `x-request-id`), one log line (method, path without query,
 * status, duration, id: never bodies or headers, which carry secrets) and its metrics. Hooks rather
 * than interceptors, so requests that never reach a handler (unknown routes, oversized bodies) count too.
 */
export function observeRequests(fastify: FastifyInstance, logger: Logger, options: RequestLogOptions = {}): void {
  const quietPaths = new Set(options.quietPaths ?? DEFAULT_QUIET_PATHS);
  // The line below is built from five known fields, none a secret, so it skips the redaction
  // pass, which costs about ten times the line itself on every request.
  const requestLog = logger.child({}, { redact: { paths: [] } });
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header(REQUEST_ID_HEADER, requestIdOf(req as HttpRequest));
    done();
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const request = req as HttpRequest;
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    const labels = {
      method: KNOWN_METHODS.has(req.method) ? req.method : 'OTHER',
      route: routePattern(request) ?? UNMATCHED_ROUTE,
      status: String(status),
    };
    httpRequestsTotal.inc(labels);
    httpRequestDurationSeconds.observe(labels, seconds);
    const path = requestPath(req);
    if (!quietPaths.has(path)) {
      const line = { requestId: requestIdOf(request), method: req.method, path, status, durationMs: Math.round(seconds * 10_000) / 10 };
      if (status >= 500) requestLog.error(line, 'request');
      else requestLog.info(line, 'request');
    }
    done();
  });
}
