import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { Observable } from 'rxjs';
import { ProblemException, badRequest, titleForStatus } from '../problem/problem';
import type { HttpRequest } from './http-types';

/** 256 KiB: the contract's limit on request bodies; larger ones get 413 (from Fastify, before routing). */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Deeper JSON than any request of the contract needs; far deeper would overflow the stack in validation. */
export const MAX_BODY_DEPTH = 32;

/** `application/json` and `application/<anything>+json`, with or without parameters (charset). */
const JSON_TYPES = /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i;

/**
 * Reads JSON bodies (`application/json`, `application/*+json`). A body that is not acceptable —
 * malformed, nested too deep, or of another media type — is not refused here but remembered on
 * the request: the interceptor below answers it once the guards ran, so a caller without the
 * right token gets 401/403 whatever it sent. Only an oversized body is refused at once (413).
 */
export function acceptJsonBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (req, text: string | Buffer, done) => {
    const request = req as HttpRequest;
    if (text === '') return done(null, undefined);
    let body: unknown;
    try {
      body = JSON.parse(text as string);
    } catch {
      // The parser's message quotes the body: it is not echoed back.
      request.unreadableBody = badRequest('malformed JSON');
      return done(null, undefined);
    }
    if (nestedDeeperThan(body, MAX_BODY_DEPTH)) {
      request.unreadableBody = badRequest(`JSON nested deeper than ${MAX_BODY_DEPTH} levels`);
      return done(null, undefined);
    }
    done(null, body);
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (req, _body, done) => {
    (req as HttpRequest).unreadableBody = new ProblemException({
      status: 415,
      title: titleForStatus(415),
      detail: 'request bodies are JSON (application/json)',
    });
    done(null, undefined);
  });
}

export class UnreadableBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const problem = context.switchToHttp().getRequest<HttpRequest>().unreadableBody;
    if (problem) throw problem;
    return next.handle();
  }
}

/** Walks without recursion, so the check itself cannot overflow the stack. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}
