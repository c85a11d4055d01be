import { Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MetricsSources, type MetricsSnapshot, ReadinessChecks } from '@ventana/platform';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

type FromPipeline = { kind: 'ready' } | { kind: 'stopped' } | { kind: 'metrics'; id: number; metrics: MetricsSnapshot };

const STOP_WITHIN_MS = 15_000;
/**
 * The pipeline's live data is a few tens of MB (caches are bounded), but V8 lets an unbounded heap
 * grow with the allocation rate; a limit makes it collect sooner and keeps the process's memory flat.
 */
const PIPELINE_HEAP_MB = 192;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Runs the pipeline thread (pipeline.ts) beside the HTTP thread: starts it before the app is ready,
 * restarts it (with backoff) if it dies, adds its metrics to /metrics, and stops it gracefully.
 * Nothing is lost when it dies: its work is in the store and resumes from its checkpoints.
 */
@Injectable()
class PipelineThread implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('pipeline-thread');
  private worker?: Worker;
  private ready = false;
  private stopping = false;
  private restarts = 0;
  private requests = 0;
  private readonly pending = new Map<number, (metrics: MetricsSnapshot) => void>();
  private stopped?: () => void;

  constructor(checks: ReadinessChecks, sources: MetricsSources) {
    checks.register({
      name: 'pipeline',
      check: async () => {
        if (!this.ready) throw new Error('the pipeline thread is not running');
      },
    });
    sources.add(() => this.metrics());
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  private start(): Promise<void> {
    const worker = new Worker(join(__dirname, 'pipeline.js'), { resourceLimits: { maxOldGenerationSizeMb: PIPELINE_HEAP_MB } });
    this.worker = worker;
    let started = false;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromPipeline) => {
        if (message.kind === 'ready') {
          started = this.ready = true;
          this.restarts = 0;
          resolve();
        } else if (message.kind === 'stopped') {
          this.stopped?.();
        } else if (message.kind === 'metrics') {
          this.pending.get(message.id)?.(message.metrics);
          this.pending.delete(message.id);
        }
      });
      worker.once('error', (error) => this.logger.error({ err: error }, 'the pipeline thread failed'));
      worker.once('exit', (code) => {
        this.ready = false;
        for (const answer of this.pending.values()) answer([]);
        this.pending.clear();
        if (this.stopping) return;
        if (!started) return reject(new Error(`the pipeline thread exited (code ${code}) before it was ready`));
        const delay = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** this.restarts++);
        this.logger.error({ code, restartInMs: delay }, 'the pipeline thread exited; restarting it');
        setTimeout(() => void this.start().catch((error: unknown) => this.logger.error({ err: error }, 'restarting the pipeline thread failed')), delay);
      });
    });
  }

  private metrics(): Promise<MetricsSnapshot> {
    const worker = this.worker;
    if (!worker || !this.ready) return Promise.resolve([]);
    const id = ++this.requests;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ kind: 'metrics', id });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    // The thread finishes its batches and closes its connections, then it is ended.
    const stopped = new Promise<void>((resolve) => {
      this.stopped = resolve;
      worker.once('exit', () => resolve());
    });
    worker.postMessage({ kind: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WITHIN_MS)));
    await Promise.race([stopped, late]);
    clearTimeout(timer);
    await worker.terminate();
  }
}

@Module({ providers: [PipelineThread] })
export class PipelineThreadModule {}
