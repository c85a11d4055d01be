import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProblemException } from '../problem/problem';

/** A request as the services see it (Fastify), with what this library adds to it. */
export type HttpRequest = FastifyRequest & {
  /** Set by `requestIdOf`. */
  requestId?: string;
  /** A body that could not be accepted; answered only once the guards have run (json-body.ts). */
  unreadableBody?: ProblemException;
};

export type HttpReply = FastifyReply;
