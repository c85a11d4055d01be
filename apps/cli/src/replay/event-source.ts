import type { RecordedEvent } from '@ventana/event-store';
import type { Cut } from './cut';

/** What one shadow needs read: every event `to` has and `from` lacks. */
export interface Stretch {
  from: Cut;
  to: Cut;
}

export interface ReadOptions {
  /** The event types wanted (a source may hand over others too; the caller filters). */
  types: readonly string[];
  /** Shown beside the progress bar; none without it. */
  label?: string;
}

/**
 * Where a replay reads the log: the store's global log, or the Kafka topic the distributed
 * projectors consume. Either hands over pages in an order a live projector could have applied
 * them (per partition, in log order); which events of a page a shadow takes, its cuts decide.
 */
export interface EventSource {
  /** In words, for the output. */
  readonly describe: string;
  /** Everything this source holds now, as a cut: what --to-head replays to. */
  head(): Promise<Cut>;
  /** Hands every event of the stretches to `onPage`, a page at a time, each awaited before the next is read. */
  read(stretches: readonly Stretch[], options: ReadOptions, onPage: (page: RecordedEvent[]) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
