import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** Mounts `GET /metrics`. The registry itself is a module-level singleton, usable without Nest. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
