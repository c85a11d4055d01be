import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Lines to a file or stdout, waiting whenever the destination is full, so memory stays flat
 * however much is written.
 */
export class LineSink {
  private readonly out: Writable;
  lines = 0;

  constructor(file?: string) {
    this.out = file ? createWriteStream(file) : process.stdout;
  }

  async write(line: string): Promise<void> {
    this.lines++;
    if (!this.out.write(`${line}\n`)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (this.out === process.stdout) return;
    this.out.end();
    await once(this.out, 'finish');
  }
}
