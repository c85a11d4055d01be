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
  private events = 0;

  constructor(label: string, total: number) {
    this.bar = new SingleBar({
      format: `${label} {bar} {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}`,
      etaBuffer: 50,
      hideCursor: true,
      stream: process.stderr,
    });
    this.bar.start(Math.max(total, 1), 0, { events: 0, rate: 0 });
  }

  /** `done`: how far along the total; `events`: events handled so far. */
  update(done: number, events = this.events): void {
    this.events = events;
    const seconds = (Date.now() - this.started) / 1000;
    this.bar.update(done, { events, rate: seconds > 0 ? Math.round(events / seconds) : 0 });
  }

  stop(): void {
    this.bar.stop();
  }
}
