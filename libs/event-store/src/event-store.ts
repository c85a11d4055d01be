import type { NewEvent, RecordedEvent } from './event';

/**
 * What the writer expects the stream to look like before its append.
 * - 'no_stream': the stream must not exist yet;
 * - 'any': no check;
 * - a number: the revision of the stream's last event (-1 is the same as 'no_stream').
 */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: number;
}

export interface ReadStreamResult {
  events: RecordedEvent[];
  /** Revision of the last event, or -1 when the stream does not exist. */
  revision: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with a position strictly greater than this. 0 reads from the start. */
  after: number;
  limit: number;
  /** Only these event types (the position still advances over the others). */
  types?: readonly string[];
}

/** The port every event store adapter implements (SQLite embedded; PostgreSQL and EventStoreDB distributed). */
export interface EventStore {
  append(streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** The stream's events from `fromRevision` (default 0) on; `revision` is always the stream's last. */
  readStream(streamName: string, options?: { fromRevision?: number }): Promise<ReadStreamResult>;
  /** Global log in position order. Never skips an event that a later read could still see appear before `after`. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Resolves when something may have been appended after `position`, or after `timeoutMs`. */
  waitForAppend(position: number, timeoutMs: number): Promise<void>;
  /** Position of the last event in the global log (0 when empty). */
  headPosition(): Promise<number>;
  /** Durable checkpoints for reactors whose effects live in this store. */
  checkpoints: CheckpointStore;
  close(): Promise<void>;
}

export interface CheckpointStore {
  load(subscriber: string): Promise<number>;
  save(subscriber: string, position: number): Promise<void>;
}

/** Thrown when `expected` does not match the stream: the caller re-reads, re-decides and retries. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: number,
  ) {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** Thrown when an appended event's id is already in the store: the whole append is refused. */
export class DuplicateEventIdError extends Error {
  constructor(readonly eventId: string) {
    super(`event id ${eventId} is already in the store`);
    this.name = 'DuplicateEventIdError';
  }
}

/** The store cannot take writes now (read-only or full disk, I/O failure): answered 503, retried later. */
export class StorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`storage cannot write: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StorageUnavailableError';
  }
}
