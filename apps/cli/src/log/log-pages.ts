import type { EventStore, RecordedEvent } from '@ventana/event-store';
import { Progress } from '../output/progress';

export interface LogRange {
  /** Exclusive (default 0: from the start). */
  after?: number;
  /** Inclusive (default: the head when reading starts). */
  through?: number;
  /** Only these types (the store filters; the position still advances over the others). */
  types?: readonly string[];
  pageSize?: number;
  /** Shown beside the progress bar; none without it. */
  label?: string;
}

/**
 * The global log in position order, a page at a time, through the store's own port: the same
 * read whichever adapter (SQLite, PostgreSQL, EventStoreDB) holds the log.
 */
export async function* logPages(store: EventStore, range: LogRange = {}): AsyncGenerator<RecordedEvent[]> {
  const start = range.after ?? 0;
  const through = range.through ?? (await store.headPosition());
  const progress = range.label ? new Progress(range.label, through - start) : undefined;
  let seen = 0;
  const read = (after: number) => store.readAll({ after, limit: range.pageSize ?? 2000, types: range.types });
  // The next page is asked for before this one is handed out: a store over the network reads while the caller works.
  let next = start < through ? read(start) : undefined;
  try {
    while (next) {
      const page = await next;
      const inRange = page.filter((event) => event.position <= through);
      const last = page.at(-1)?.position;
      next = last !== undefined && inRange.length === page.length && last < through ? read(last) : undefined;
      if (inRange.length > 0) yield inRange;
      seen += inRange.length;
      if (last !== undefined) progress?.update(Math.min(last, through) - start, seen);
    }
    progress?.update(through - start, seen);
  } finally {
    void next?.catch(() => undefined); // the caller stopped early: that read's outcome goes unused
    progress?.stop();
  }
}

/** Every event of the range, one at a time. */
export async function* logEvents(store: EventStore, range: LogRange = {}): AsyncGenerator<RecordedEvent> {
  for await (const page of logPages(store, range)) yield* page;
}
