import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, type Logger } from '../logging/logger';
import { type RequestLogOptions, requestLogMiddleware } from '../logging/request-log.middleware';
import { httpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { ProblemFilter } from '../problem/problem.filter';
import { validationPipe } from '../problem/validation';
import { DEFAULT_BODY_LIMIT, configureBodyParsing } from './body-limit';

export interface HttpOptions extends RequestLogOptions {
  logger?: Logger;
  bodyLimit?: string | number;
}

/**
 * Everything the services share on their HTTP side, in the order it must be installed:
 * request log and metrics first (so they also see requests the body parser rejects),
 * then the JSON parser, the problem filter and the validation pipe. Call before `listen()`,
 * on an app created with `{ bodyParser: false }`.
 */
export function configureHttp(app: NestExpressApplication, options: HttpOptions = {}): void {
  const logger = options.logger ?? createLogger('http');
  app.use(requestLogMiddleware(logger, options));
  app.use(httpMetricsMiddleware());
  configureBodyParsing(app, options.bodyLimit ?? DEFAULT_BODY_LIMIT);
  app.useGlobalFilters(new ProblemFilter(logger));
  app.useGlobalPipes(validationPipe());
}
