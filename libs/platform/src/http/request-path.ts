import type { ExpressRequest } from './express-types';

/** The request path without its query string, which may carry secrets and has unbounded variety. */
export function requestPath(req: ExpressRequest): string {
  const url = req.originalUrl ?? req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The route pattern that matched (`/messages/:id`), or undefined when no route did
 * (unknown path, or the request failed before routing, e.g. in the body parser).
 */
export function routePattern(req: ExpressRequest): string | undefined {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined;
}
