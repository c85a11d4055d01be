import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isMainThread } from 'node:worker_threads';

/**
 * The process's one registry: create counters, gauges and histograms with `registers: [metricsRegistry]`
 * so `GET /metrics` exposes them. Not prom-client's global registry, so a library registering
 * there cannot collide with these names.
 */
export const metricsRegistry = new Registry();

// Process metrics (CPU, memory, event loop) once per process: the main thread's.
if (isMainThread) collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestsTotal = new Counter({
  name: 'ventana_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDurationSeconds = new Histogram({
  name: 'ventana_http_request_duration_seconds',
  help: 'Time from receiving an HTTP request to the end of its response.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});
