import type { IncomingMessage, ServerResponse } from 'node:http';

// @types/express is not installed, so the few express additions this library reads are declared here.

export interface ExpressRequest extends IncomingMessage {
  /** The URL as received, before any router stripped a mount path. */
  originalUrl?: string;
  baseUrl?: string;
  /** Set by express once a route matched; its `path` is the pattern, e.g. `/messages/:id`. */
  route?: { path?: unknown };
  /** Set by `requestIdOf`. */
  requestId?: string;
  /** Set by Nest's body parser when the app is created with `rawBody: true`. */
  rawBody?: Buffer;
}

export type ExpressResponse = ServerResponse;

export type NextFunction = (error?: unknown) => void;

export type ExpressMiddleware = (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => void;
