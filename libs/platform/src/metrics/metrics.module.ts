import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsSources } from './metrics-sources';

/** Mounts `GET /metrics`. The registry itself is a module-level singleton, usable without Nest. */
@Global()
@Module({ controllers: [MetricsController], providers: [MetricsSources], exports: [MetricsSources] })
export class MetricsModule {}
