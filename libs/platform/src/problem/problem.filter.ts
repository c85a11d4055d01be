import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, NotFoundException } from '@nestjs/common';
import type { ExpressRequest, ExpressResponse } from '../http/express-types';
import { requestIdOf } from '../http/request-id';
import { requestPath, routePattern } from '../http/request-path';
import { createLogger, type Logger } from '../logging/logger';
import { bodyParserProblem } from './body-parser-problem';
import { ProblemException, titleForStatus } from './problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * Answers every HTTP error as an RFC 9457 problem (`application/problem+json`).
 * Register it globally before `listen()` (`app.useGlobalFilters(new ProblemFilter(logger))`):
 * Nest's express error handler, which sees body-parser errors and unknown routes,
 * picks up the global filters when the app initialises.
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
    const req = http.getRequest<ExpressRequest>();
    const res = http.getResponse<ExpressResponse>();
    const problem = this.toProblem(exception, req);

    if (res.headersSent) {
      // A streamed response failed midway: the status is gone, only the connection can say so.
      res.destroy();
      return;
    }
    const body = {
      ...problem.extra,
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...(problem.errors === undefined ? {} : { errors: problem.errors }),
    };
    res.statusCode = problem.status;
    res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    if (problem.status === 401) {
      // RFC 9110 requires a challenge on every 401.
      res.setHeader('WWW-Authenticate', 'Bearer');
    }
    res.end(JSON.stringify(body));
  }

  private toProblem(exception: unknown, req: ExpressRequest): ProblemException {
    if (exception instanceof ProblemException) {
      if (exception.status >= 500) {
        this.logFailure(exception, req);
      }
      return exception;
    }
    const unreadableBody = bodyParserProblem(exception);
    if (unreadableBody !== undefined) {
      return unreadableBody;
    }
    if (exception instanceof HttpException) {
      return this.fromHttpException(exception, req);
    }
    this.logFailure(exception, req);
    // The error's own message may name internals: the client only learns the request id to report.
    return new ProblemException({
      status: 500,
      title: titleForStatus(500),
      detail: `an unexpected error occurred (request id ${requestIdOf(req)})`,
    });
  }

  private fromHttpException(exception: HttpException, req: ExpressRequest): ProblemException {
    const status = exception.getStatus();
    if (status >= 500) {
      this.logFailure(exception, req);
    }
    // Nest's fallback handler throws NotFoundException for paths no route matched (and none did: no req.route).
    if (exception instanceof NotFoundException && routePattern(req) === undefined) {
      return new ProblemException({
        status,
        title: titleForStatus(status),
        detail: `no route for ${req.method} ${requestPath(req)}`,
      });
    }
    return new ProblemException({ status, title: titleForStatus(status), detail: httpExceptionDetail(exception) });
  }

  private logFailure(exception: unknown, req: ExpressRequest): void {
    // Method, path and request id identify the request; bodies and headers stay out of logs.
    this.logger.error(
      { err: exception, requestId: requestIdOf(req), method: req.method, path: requestPath(req) },
      'request failed',
    );
  }
}

/** Nest's response is a string, or an object whose `message` is a string or a list of them. */
function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') {
    return response;
  }
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') {
    return message;
  }
  if (Array.isArray(message)) {
    return message.map(String).join('; ');
  }
  return exception.message;
}
