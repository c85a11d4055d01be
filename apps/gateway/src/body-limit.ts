import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_BODY_LIMIT, PROBLEM_CONTENT_TYPE, payloadTooLarge } from '@ventana/platform';

/**
 * The contract's 413 for a body declared over 256 KiB, answered by the gateway itself. Left to the
 * service, the 413 came back while the gateway was still writing the body; the service closed the
 * socket under it, and the client got a 502, or no answer at all (its unread body stalled the
 * connection). The body is drained and the connection closed, so the client reads the answer.
 */
export function refusedAsTooLarge(req: IncomingMessage, res: ServerResponse): boolean {
  if (!(Number(req.headers['content-length']) > DEFAULT_BODY_LIMIT)) return false;
  const { type, title, status, detail } = payloadTooLarge(`request body is larger than the limit of ${DEFAULT_BODY_LIMIT} bytes`);
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, connection: 'close' });
  res.end(JSON.stringify({ type, title, status, detail }));
  req.resume();
  return true;
}
