import 'reflect-metadata';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createHttpApp } from '../http/configure-http';
import { createLogger } from '../logging/logger';
import type { PlatformConfig } from './config';

/**
 * Starts one HTTP process around `module`: pino logs, problem+json errors, the 256 KiB body
 * limit, validation, OpenAPI at /docs, graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootstrap(name: string, module: Type<unknown> | DynamicModule, config: PlatformConfig): Promise<INestApplication> {
  const logger = createLogger(name);
  const app = await createHttpApp(module, { logger, trustProxy: config.trustProxy });
  // Only the signals that ask for a shutdown: Nest's default list includes SIGBUS and SIGSEGV, and a
  // handler for those returns to the faulting instruction forever (a memory-mapped file that can no
  // longer grow spun the process at 100% CPU instead of letting it crash and restart).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(`Ventana ${name}`).setDescription('Business messaging and billing').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document);
  await app.listen(config.port, '0.0.0.0');
  logger.info({ port: config.port, dataDir: config.dataDir, clock: config.testClock ? 'test' : 'system' }, `${name} listening`);
  if (config.adminTokenGenerated) {
    // Printed once, on purpose: the embedded default has no other way to hand the operator a token.
    process.stdout.write(`\nADMIN_TOKEN (generated for this run; set ADMIN_TOKEN to choose one): ${config.adminToken}\n\n`);
  }
  return app;
}
