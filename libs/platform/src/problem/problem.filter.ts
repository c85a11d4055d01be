import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, NotFoundException } from '@nestjs/common';
import { StorageUnavailableError } from '@ventana/event-store';
import type { HttpReply, HttpRequest } from '../http/http-types';
import { requestIdOf } from '../http/request-id';
import { requestPath, routePattern } from '../http/request-path';
import { createLogger, type Logger } from '../logging/logger';
import { ProblemException, badRequest, payloadTooLarge, titleForStatus } from './problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
const RETRY_AFTER_SECONDS = 5;

/** What Fastify puts on the errors it raises before a handler runs (FST_ERR_*). */
interface FastifyError {
  code: string;
  statusCode: number;
}

const isFastifyError = (value: unknown): value is FastifyError =>
  typeof (value as FastifyError | null)?.code === 'string' &&
  (value as FastifyError).code.startsWith('FST_') &&
  typeof (value as FastifyError).statusCode === 'number';

/**
 * Answers every HTTP error as an RFC 9457 problem (`application/problem+json`). Registered
 * globally, it also sees what Fastify refuses before routing (oversized bodies) and unknown routes.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger: Logger;

  constructor(logger?: Logger) {
    this.logger = logger ?? createLogger('http');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      // Not a request (e.g. a microservice message): leave it to that transport's own handling.
      throw exception;
    }
    const http = host.switchToHttp();
    const req = http.getRequest<HttpRequest>();
    const reply = http.getResponse<HttpReply>();
    const problem = this.toProblem(exception, req);

    if (reply.sent) {
      // A streamed response failed midway: the status is gone, only the connection can say so.
      reply.raw.destroy();
      return;
    }
    sendProblem(reply, problem);
  }

  private toProblem(exception: unknown, req: HttpRequest): ProblemException {
    if (exception instanceof ProblemException) {
      if (exception.status >= 500) this.logFailure(exception, req);
      return exception;
    }
    if (exception instanceof StorageUnavailableError) {
      this.logger.error({ err: exception, requestId: requestIdOf(req), method: req.method, path: requestPath(req) }, 'storage unavailable');
      return new ProblemException({
        status: 503,
        title: titleForStatus(503),
        detail: 'storage cannot take writes right now; nothing was changed by this request unless it is retried and succeeds',
        extra: { retry_after_seconds: RETRY_AFTER_SECONDS },
      });
    }
    // Nest hands Fastify's own 4xx errors (an oversized body) over wrapped in an HttpException.
    const cause = exception instanceof HttpException ? exception.cause : exception;
    if (isFastifyError(cause) && cause.statusCode < 500) return fromFastifyError(cause, req);
    if (exception instanceof HttpException) return this.fromHttpException(exception, req);
    this.logFailure(exception, req);
    // The error's own message may name internals: the client only learns the request id to report.
    return new ProblemException({
      status: 500,
      title: titleForStatus(500),
      detail: `an unexpected error occurred (request id ${requestIdOf(req)})`,
    });
  }

  private fromHttpException(exception: HttpException, req: HttpRequest): ProblemException {
    const status = exception.getStatus();
    if (status >= 500) this.logFailure(exception, req);
    // Nest's not-found handler throws NotFoundException for paths no route matched.
    if (exception instanceof NotFoundException && routePattern(req) === undefined) {
      return new ProblemException({ status, title: titleForStatus(status), detail: `no route for ${req.method} ${requestPath(req)}` });
    }
    return new ProblemException({ status, title: titleForStatus(status), detail: httpExceptionDetail(exception) });
  }

  private logFailure(exception: unknown, req: HttpRequest): void {
    // Method, path and request id identify the request; bodies and headers stay out of logs.
    this.logger.error({ err: exception, requestId: requestIdOf(req), method: req.method, path: requestPath(req) }, 'request failed');
  }
}

function sendProblem(reply: HttpReply, problem: ProblemException): void {
  const body = {
    ...problem.extra,
    type: problem.type,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(problem.errors === undefined ? {} : { errors: problem.errors }),
  };
  reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE);
  // RFC 9110 requires a challenge on every 401.
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
  for (const [name, value] of Object.entries(problem.headers ?? {})) reply.header(name, value);
  if (problem.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  void reply.send(JSON.stringify(body));
}

/**
 * Fastify's `frameworkErrors`: what it refuses before any route or Nest filter sees the request (a
 * URL that is not valid percent-encoding, a path parameter over its length limit), answered as a
 * problem too instead of Fastify's own JSON.
 */
export function answerFrameworkError(error: { code: string; statusCode?: number }, req: HttpRequest, reply: HttpReply): void {
  sendProblem(reply, fromFastifyError({ code: error.code, statusCode: error.statusCode ?? 400 }, req));
}

function fromFastifyError(error: FastifyError, req: HttpRequest): ProblemException {
  if (error.code === 'FST_ERR_BAD_URL') return badRequest('the URL is not valid percent-encoded UTF-8');
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = req.routeOptions?.bodyLimit;
    return payloadTooLarge(`request body is larger than the limit${limit === undefined ? '' : ` of ${limit} bytes`}`);
  }
  // Fastify's messages may quote the input: the client gets the status's own words.
  if (error.statusCode === 400) return badRequest('the request could not be read');
  return new ProblemException({ status: error.statusCode, title: titleForStatus(error.statusCode), detail: titleForStatus(error.statusCode) });
}

/** Nest's response is a string, or an object whose `message` is a string or a list of them. */
function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}
