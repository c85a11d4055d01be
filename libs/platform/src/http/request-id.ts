import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller-supplied id goes into logs verbatim, so only short, plain ids are trusted.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the caller's `x-request-id` when acceptable, else a new UUID. Stable for the request. */
export function requestIdOf(req: { headers: IncomingHttpHeaders; requestId?: string }): string {
  if (req.requestId === undefined) {
    const header = req.headers[REQUEST_ID_HEADER];
    req.requestId = typeof header === 'string' && ACCEPTABLE_ID.test(header) ? header : randomUUID();
  }
  return req.requestId;
}
