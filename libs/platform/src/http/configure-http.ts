import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyRequest } from 'fastify';
import { createLogger, type Logger } from '../logging/logger';
import { PinoNestLogger } from '../logging/pino-nest-logger';
import { ProblemFilter, answerFrameworkError } from '../problem/problem.filter';
import { StorableInputPipe } from '../contract/storable-input.pipe';
import { validationPipe } from '../problem/validation';
import { DEFAULT_BODY_LIMIT, UnreadableBodyInterceptor, acceptJsonBodies } from './json-body';
import type { HttpReply, HttpRequest } from './http-types';
import { type RequestLogOptions, observeRequests } from './request-hooks';

export interface HttpOptions extends RequestLogOptions {
  logger?: Logger;
  /** Bytes (default 256 KiB). */
  bodyLimit?: number;
  /** Proxies whose X-Forwarded-For names the client (`request.ip`): addresses, CIDRs or `loopback`, comma-separated. */
  trustProxy?: string;
}

/**
 * A Nest application on Fastify with everything the services share on their HTTP side: request
 * ids, logs and metrics for every request, JSON bodies up to the limit (413 beyond), problem+json
 * for every error, and validation after the guards. Fastify rather than Express: the same
 * contract at about twice the requests per second (the benchmark measures the edge).
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpOptions = {}): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger('http');
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(options.trustProxy && { trustProxy: options.trustProxy }),
    // Longer than any client's or the gateway's idle timeout: the client always closes an idle connection first.
    keepAliveTimeout: 65_000,
    // Fastify's own logging is off: one line per request is written by observeRequests.
    logger: false,
    // URLs Fastify cannot route (bad percent-encoding, an over-long parameter) get a problem too.
    frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: HttpReply) => answerFrameworkError(error, req as HttpRequest, reply),
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bodyParser: false, logger: new PinoNestLogger(logger) });
  const fastify = app.getHttpAdapter().getInstance();
  observeRequests(fastify, logger, options);
  acceptJsonBodies(fastify);
  app.useGlobalFilters(new ProblemFilter(logger));
  app.useGlobalInterceptors(new UnreadableBodyInterceptor());
  app.useGlobalPipes(new StorableInputPipe(), validationPipe());
  return app;
}
