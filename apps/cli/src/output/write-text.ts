import { createWriteStream, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * A text stream to a file or stdout, at the pace the destination takes it (pipeline's
 * backpressure), so memory stays flat whatever the size. A failed write removes the partial
 * file: a file left behind is a complete one.
 */
export async function writeText(text: Readable, file?: string): Promise<void> {
  if (!file) return pipeline(text, process.stdout, { end: false });
  try {
    await pipeline(text, createWriteStream(file));
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
}
