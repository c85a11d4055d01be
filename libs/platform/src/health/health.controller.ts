import { Controller, Get, Header, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { type HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { HttpReply } from '../http/http-types';
import { ReadinessChecks } from './readiness';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  /** A check slower than this counts as down. */
  checkTimeoutMs: number;
}

/**
 * Probe endpoints. They answer terminus's own body (`{status, info, error, details}`, also on 503)
 * rather than a problem document, so an operator sees which check failed.
 * `@Header` instead of terminus's `@HealthCheck()`, which loads @nestjs/swagger at runtime.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessChecks,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  /** Up whenever the process can answer at all; a restart is the only cure for anything else. */
  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) res: HttpReply): Promise<HealthCheckResult> {
    const indicators = this.readiness.all().map(
      (readiness) => () =>
        this.indicators
          .check(readiness.name)
          .attempt(() => readiness.check())
          .withTimeout(this.options.checkTimeoutMs),
    );
    try {
      return await this.health.check(indicators);
    } catch (error) {
      // Terminus reports a failed check (or a shutdown in progress) as a 503 carrying the result.
      if (error instanceof ServiceUnavailableException) {
        res.status(503);
        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    }
  }
}
