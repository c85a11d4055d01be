import type { EventStore } from '@ventana/event-store';
import { randomUUID } from 'node:crypto';

/** The platform's notion of now. Every rule (windows, limits, prices) reads time from here. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

const STREAM = 'platform-clock';

/**
 * CLOCK=test: real time plus an offset that only grows. The offset is an event stream of its
 * own, so it is kept with the data and survives a restart.
 */
export class TestClock implements Clock {
  private offsetMs = 0;
  private seenRevision = -1;

  private constructor(private readonly store: EventStore) {}

  static async load(store: EventStore): Promise<TestClock> {
    const clock = new TestClock(store);
    await clock.refresh();
    return clock;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Learns an advance made by another process (distributed: the conversation service moves the clock). */
  async refresh(): Promise<void> {
    const { events, revision } = await this.store.readStream(STREAM, { fromRevision: this.seenRevision + 1 });
    const last = events.at(-1)?.data as { offsetMs: number } | undefined;
    this.offsetMs = Math.max(this.offsetMs, last?.offsetMs ?? 0);
    this.seenRevision = revision;
  }

  async advance(seconds: number): Promise<number> {
    if (seconds > 0) {
      const { revision, events } = await this.store.readStream(STREAM);
      const current = (events.at(-1)?.data as { offsetMs: number } | undefined)?.offsetMs ?? 0;
      const offsetMs = current + seconds * 1000;
      const time = new Date(this.now()).toISOString();
      await this.store.append(
        STREAM,
        [{ id: randomUUID(), type: 'ClockAdvanced', data: { seconds, offsetMs }, metadata: { time, correlationId: randomUUID(), causationId: 'operator' } }],
        revision,
      );
      this.offsetMs = offsetMs;
    }
    return this.now();
  }
}
