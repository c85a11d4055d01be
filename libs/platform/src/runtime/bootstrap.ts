import 'reflect-metadata';
import type { Server } from 'node:http';
import { type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { configureHttp } from '../http/configure-http';
import { createLogger } from '../logging/logger';
import { PinoNestLogger } from '../logging/pino-nest-logger';
import type { PlatformConfig } from './config';

/**
 * Starts one HTTP process around `module`: pino logs, problem+json errors, the 256 KiB body
 * limit, validation, OpenAPI at /docs, graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootstrap(name: string, module: Type<unknown>, config: PlatformConfig): Promise<INestApplication> {
  const logger = createLogger(name);
  const app = await NestFactory.create<NestExpressApplication>(module, { bodyParser: false, logger: new PinoNestLogger(logger) });
  configureHttp(app, { logger });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(`Ventana ${name}`).setDescription('Business messaging and billing').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document);
  await app.listen(config.port, '0.0.0.0');
  // Longer than any client's or the gateway's idle timeout: the client always closes an idle connection first.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  logger.info({ port: config.port, dataDir: config.dataDir, clock: config.testClock ? 'test' : 'system' }, `${name} listening`);
  if (config.adminTokenGenerated) {
    // Printed once, on purpose: the embedded default has no other way to hand the operator a token.
    process.stdout.write(`\nADMIN_TOKEN (generated for this run; set ADMIN_TOKEN to choose one): ${config.adminToken}\n\n`);
  }
  return app;
}
