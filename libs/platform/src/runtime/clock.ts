import { type EventStore, newId } from '@ventana/event-store';
import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';

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
  /** The other threads of this process hear of an advance at once (other processes: `refresh`). */
  private readonly channel?: BroadcastChannel;

  private constructor(
    private readonly store: EventStore,
    channel?: string,
  ) {
    if (channel === undefined) return;
    this.channel = new BroadcastChannel(`ventana-clock:${channel}`);
    this.channel.onmessage = (message) => (this.offsetMs = Math.max(this.offsetMs, (message as { data: number }).data));
    this.channel.unref();
  }

  /** `channel` names the clock shared by the threads of one deployment (the data directory). */
  static async load(store: EventStore, channel?: string): Promise<TestClock> {
    const clock = new TestClock(store, channel);
    await clock.refresh();
    return clock;
  }

  close(): void {
    this.channel?.close();
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
        [{ id: newId(), type: 'ClockAdvanced', data: { seconds, offsetMs }, metadata: { time, correlationId: randomUUID(), causationId: 'operator' } }],
        revision,
      );
      this.offsetMs = offsetMs;
      this.channel?.postMessage(offsetMs);
    }
    return this.now();
  }
}
