import { Injectable } from '@nestjs/common';

/** What `Registry.getMetricsAsJSON()` gives: plain data, so it crosses threads. */
export type MetricsSnapshot = object[];

/** Metrics kept elsewhere in the process (another thread's registry), added to `GET /metrics`. */
@Injectable()
export class MetricsSources {
  private readonly sources: (() => Promise<MetricsSnapshot>)[] = [];

  add(source: () => Promise<MetricsSnapshot>): void {
    this.sources.push(source);
  }

  collect(): Promise<MetricsSnapshot[]> {
    return Promise.all(this.sources.map((source) => source()));
  }
}
