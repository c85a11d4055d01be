import type { RecordedEvent } from '../event';

/**
 * The newest events of the log, in position order (this connection's appends as they were made,
 * other connections' read once): subscriptions following the head read from here. It only
 * answers when it holds every event from `after` up to the log's head.
 */
export class RecentLog {
  private events: RecordedEvent[] = [];

  constructor(readonly capacity: number) {}

  add(recorded: readonly RecordedEvent[]): void {
    const last = this.events.at(-1);
    if (last && last.position + 1 !== recorded[0].position) this.events = [];
    this.events.push(...recorded);
    if (this.events.length > this.capacity * 1.5) this.events = this.events.slice(-this.capacity);
  }

  clear(): void {
    this.events = [];
  }

  read(after: number, limit: number, types: readonly string[] | undefined, head: number): RecordedEvent[] | undefined {
    const first = this.events[0]?.position;
    if (first === undefined || after < first - 1 || this.events.at(-1)!.position !== head) return undefined;
    const wanted = types && new Set(types);
    const found: RecordedEvent[] = [];
    for (let i = after - first + 1; i < this.events.length && found.length < limit; i++) {
      if (!wanted || wanted.has(this.events[i].type)) found.push(this.events[i]);
    }
    return found;
  }
}
