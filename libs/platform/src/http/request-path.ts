import type { HttpRequest } from './http-types';

/** The request path without its query string, which may carry secrets and has unbounded variety. */
export function requestPath(req: Pick<HttpRequest, 'url'>): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The route pattern that matched (`/messages/:id`), or undefined when none did (an unknown path). */
export function routePattern(req: HttpRequest): string | undefined {
  return req.is404 ? undefined : req.routeOptions?.url;
}
