import type { RecordedEvent } from '../event';

/**
 * Whole streams (an empty one included) recently read or written, least recently used evicted
 * first, bounded by the number of events held. The store keeps it write-through and drops it when
 * another process writes, so a cached stream is always complete.
 */
export class StreamCache {
  private readonly streams = new Map<string, RecordedEvent[]>();
  private size = 0;

  constructor(private readonly maxEvents: number) {}

  has(name: string): boolean {
    return this.streams.has(name);
  }

  get(name: string): RecordedEvent[] | undefined {
    const events = this.streams.get(name);
    if (events) {
      this.streams.delete(name);
      this.streams.set(name, events);
    }
    return events;
  }

  put(name: string, events: RecordedEvent[]): void {
    this.drop(name);
    if (events.length > this.maxEvents) return;
    this.streams.set(name, events);
    this.size += weight(events);
    for (const [oldest, evicted] of this.streams) {
      if (this.size <= this.maxEvents) break;
      this.streams.delete(oldest);
      this.size -= weight(evicted);
    }
  }

  /** Appends just-written events to a cached stream, or starts one; forgets a stream it cannot extend exactly. */
  extend(name: string, recorded: readonly RecordedEvent[]): void {
    const cached = this.streams.get(name);
    const expectedRevision = (cached?.at(-1)?.revision ?? -1) + 1;
    if ((cached || recorded[0].revision === 0) && recorded[0].revision === expectedRevision) this.put(name, [...(cached ?? []), ...recorded]);
    else this.drop(name);
  }

  clear(): void {
    this.streams.clear();
    this.size = 0;
  }

  private drop(name: string): void {
    const events = this.streams.get(name);
    if (events) {
      this.streams.delete(name);
      this.size -= weight(events);
    }
  }
}

/** An empty stream still takes a slot. */
const weight = (events: readonly RecordedEvent[]) => Math.max(1, events.length);
