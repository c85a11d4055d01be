import { SingleBar } from 'cli-progress';

/**
 * A progress bar for long work, on stderr so that stdout stays the command's output: done so far,
 * rate and ETA. Drawn only on a terminal (cli-progress stays silent otherwise, as in tests and pipes).
 * Work measured in something other than events (log positions, which PostgreSQL leaves sparse)
 * moves the bar by that measure while the label counts events.
 */
export class Progress {
  private readonly bar: SingleBar;
  private readonly started = Date.now();
  private count = 0;

  /** `unit`: what is counted, in the plural (events, charges, invoice lines). */
  constructor(label: string, total: number, unit = 'events') {
    this.bar = new SingleBar({
      format: `${label} {bar} {percentage}% | {count} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      etaBuffer: 50,
      hideCursor: true,
      stream: process.stderr,
    });
    this.bar.start(Math.max(total, 1), 0, { count: 0, rate: 0 });
  }

  /** `done`: how far along the total; `count`: units handled so far. */
  update(done: number, count = this.count): void {
    this.count = count;
    const seconds = (Date.now() - this.started) / 1000;
    this.bar.update(done, { count, rate: seconds > 0 ? Math.round(count / seconds) : 0 });
  }

  stop(): void {
    this.bar.stop();
  }
}
