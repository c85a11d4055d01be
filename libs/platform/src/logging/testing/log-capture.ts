import { Writable } from 'node:stream';
import { type Logger, createLogger } from '../logger';

/** A named logger at level info (whatever LOG_LEVEL says) whose lines are kept in `lines`, for specs. */
export function captureLog(name: string): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'info';
  const logger = createLogger(name, sink);
  if (level === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = level;
  return { logger, lines };
}
