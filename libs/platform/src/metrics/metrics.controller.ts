import { Controller, Get, Header } from '@nestjs/common';
import { AggregatorRegistry } from 'prom-client';
import { metricsRegistry } from './metrics';
import { MetricsSources } from './metrics-sources';

/** Prometheus scrape endpoint, in the text exposition format: this registry plus any other thread's. */
@Controller()
export class MetricsController {
  constructor(private readonly sources: MetricsSources) {}

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  async metrics(): Promise<string> {
    const others = (await this.sources.collect()).filter((metrics) => metrics.length > 0);
    if (others.length === 0) return metricsRegistry.metrics();
    return AggregatorRegistry.aggregate([await metricsRegistry.getMetricsAsJSON(), ...others]).metrics();
  }
}
