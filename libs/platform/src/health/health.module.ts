import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_OPTIONS, HealthController, type HealthOptions } from './health.controller';
import { READINESS_CHECKS, ReadinessChecks } from './readiness';

/**
 * `GET /health/live` and `GET /health/ready`. Global, so every module can inject `ReadinessChecks`
 * (or `@Inject(READINESS_CHECKS)`) and register its checks.
 */
@Module({})
export class HealthModule {
  static forRoot(options: Partial<HealthOptions> = {}): DynamicModule {
    const resolved: HealthOptions = { checkTimeoutMs: options.checkTimeoutMs ?? 3000 };
    return {
      module: HealthModule,
      global: true,
      imports: [TerminusModule.forRoot()],
      controllers: [HealthController],
      providers: [
        ReadinessChecks,
        { provide: READINESS_CHECKS, useExisting: ReadinessChecks },
        { provide: HEALTH_OPTIONS, useValue: resolved },
      ],
      exports: [ReadinessChecks, READINESS_CHECKS],
    };
  }
}
