import type { RecordedEvent } from '@ventana/event-store';
import type { SqlDatabase, SqlExecutor } from '@ventana/projections';

/**
 * How services and projections learn of events. Embedded: catching up on the store's global log.
 * Distributed: Kafka consumer groups fed by the relay. Either way delivery is at-least-once and in
 * order per conversation; what differs is where the checkpoint lives.
 */
export interface Subscriptions {
  /**
   * Effects go to the event store (idempotent deciders): `handle` may see an event again after a
   * crash or a rebalance and must then change nothing.
   */
  react(spec: ReactorSpec): Subscription;
  /**
   * Effects go to `db`: `handle` writes them through `commit`, which also moves the checkpoint in the
   * same transaction, so every event's effect is applied exactly once.
   */
  project(spec: ProjectorSpec): Subscription;
  /**
   * True once the subscriber `name` has handled everything in the store up to `position`, whichever
   * process runs it (false after `timeoutMs`). A subscriber this adapter cannot see counts as done.
   */
  caughtUp(name: string, position: number, timeoutMs?: number): Promise<boolean>;
  /**
   * How many events of the log up to `head` the subscriber `name` has yet to handle, whichever
   * process runs it: the lag an operator sees. Undefined when this adapter cannot see it.
   */
  behind(name: string, head: number): Promise<number | undefined>;
  /** Inside `tx`: forgets a (stopped) projector's checkpoint, so that its next start replays everything. */
  rewind(tx: SqlExecutor, name: string): Promise<void>;
}

interface SubscriberSpec {
  /** Durable name: the checkpoint's (embedded) or the consumer group's (Kafka). */
  name: string;
  types: readonly string[];
  onError?: (error: unknown, attempt: number) => void;
}

export interface ReactorSpec extends SubscriberSpec {
  handle(event: RecordedEvent): Promise<void>;
  /** Events with the same key are handled in order, different keys side by side. */
  partitionBy?: (event: RecordedEvent) => string;
  /**
   * Called when this instance starts, and whenever it is handed work another instance had (a
   * rebalance): in-memory state derived from other instances' effects must be reloaded.
   */
  onAssigned?: () => Promise<void>;
}

export interface ProjectorSpec extends SubscriberSpec {
  db: SqlDatabase;
  /** Handles one batch; whatever it writes must go through `commit` (called once, last). */
  handle(batch: readonly RecordedEvent[], commit: (write: (tx: SqlExecutor) => Promise<void>) => Promise<void>): Promise<void>;
}

export interface Subscription {
  /** Finishes the batch in hand, saves the checkpoint and stops. */
  stop(): Promise<void>;
}
