export * from './problem/problem';
export { ProblemFilter, PROBLEM_CONTENT_TYPE } from './problem/problem.filter';
export { validationPipe, validateBody, validationProblem, fieldErrors } from './problem/validation';

export { createHttpApp, type HttpOptions } from './http/configure-http';
export { DEFAULT_BODY_LIMIT } from './http/json-body';
export { requestIdOf, REQUEST_ID_HEADER } from './http/request-id';
export type { HttpRequest, HttpReply } from './http/http-types';
export type { RequestLogOptions } from './http/request-hooks';

export { createLogger, REDACTED_PATHS, type Logger } from './logging/logger';
export { PinoNestLogger } from './logging/pino-nest-logger';

export { metricsRegistry, httpRequestsTotal, httpRequestDurationSeconds } from './metrics/metrics';
export { MetricsController } from './metrics/metrics.controller';
export { MetricsModule } from './metrics/metrics.module';
export { MetricsSources, type MetricsSnapshot } from './metrics/metrics-sources';

export { HealthModule } from './health/health.module';
export { READINESS_CHECKS, ReadinessChecks, type ReadinessCheck } from './health/readiness';
export type { HealthOptions } from './health/health.controller';

export { newSecretToken, hashToken, tokenMatches } from './auth/tokens';
export { bearerToken } from './auth/bearer';
export * from './runtime/tokens';
export * from './runtime/config';
export * from './runtime/clock';
export * from './runtime/streams';
export * from './access/guards';
export * from './access/principal';
export * from './contract/validators';
export * from './contract/sealed-content.dto';
export * from './contract/causation';
export * from './contract/phone.pipe';
export * from './runtime/embedded-infrastructure.module';
export * from './runtime/bootstrap';
export * from './runtime/distributed-infrastructure.module';
export * from './runtime/infrastructure';
