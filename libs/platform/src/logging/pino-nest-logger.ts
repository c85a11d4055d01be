import type { LoggerService } from '@nestjs/common';
import { createLogger, type Logger } from './logger';

type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

// Same test as Nest's ConsoleLogger: tells `error(message, stack)` from `error(message, context)`.
const STACK_TRACE = /^(.)+\n\s+at .+:\d+:\d+/;

/**
 * Routes Nest's own logs (bootstrap, route mapping, ExceptionsHandler) through pino:
 * `NestFactory.create(AppModule, { logger: new PinoNestLogger() })`.
 * Nest passes the context as the last string argument, and a stack before it for errors.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger = createLogger('nest')) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: PinoLevel, message: unknown, params: unknown[]): void {
    const fields: Record<string, unknown> = {};
    const rest = [...params];
    const last = rest.at(-1);
    if (typeof last === 'string' && !(rest.length === 1 && STACK_TRACE.test(last))) {
      fields.context = rest.pop();
    }
    const stack = rest.find((param) => typeof param === 'string' && STACK_TRACE.test(param));
    if (stack !== undefined) {
      fields.stack = stack;
    }
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
