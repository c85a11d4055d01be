import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, createLogger, metricsRegistry, readConfig } from '@ventana/platform';
import { parentPort } from 'node:worker_threads';
import { VentanaModule } from './ventana.module';

/**
 * The pipeline thread of the embedded default: every reactor and projection of the four services,
 * no HTTP. Its parent (PipelineThread) starts it, asks it for its metrics, and stops it.
 */
async function run(): Promise<void> {
  const config = readConfig();
  const logger = createLogger('pipeline');
  const app = await NestFactory.createApplicationContext(VentanaModule.register(config, { reactors: true, projections: true }), {
    logger: new PinoNestLogger(logger),
  });
  await app.init();
  parentPort!.on('message', (message: { kind: 'stop' } | { kind: 'metrics'; id: number }) => {
    if (message.kind === 'stop') {
      void app.close().then(() => parentPort!.postMessage({ kind: 'stopped' }));
    } else {
      void metricsRegistry.getMetricsAsJSON().then((metrics) => parentPort!.postMessage({ kind: 'metrics', id: message.id, metrics }));
    }
  });
  parentPort!.postMessage({ kind: 'ready' });
}

run().catch((error: unknown) => {
  createLogger('pipeline').fatal({ err: error }, 'the pipeline thread failed to start');
  throw error;
});
