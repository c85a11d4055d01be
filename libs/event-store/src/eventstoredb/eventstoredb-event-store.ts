import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendResult as EsdbAppendResult,
  type Direction,
  type Position,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { NewEvent, RecordedEvent } from '../event';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamResult,
} from '../event-store';
import { AppendWatcher, type AppendWatcherOptions } from './append-watcher';
import { EventIdReservations } from './event-id-reservations';
import type { EsdbClient } from './eventstoredb-client';
import {
  CHECKPOINT_EVENT_TYPE,
  checkpointStreamName,
  comparePositions,
  firstRepeatedId,
  isDefiniteAppendRejection,
  isDomainEvent,
  isStreamNotFound,
  toEsdbExpectedRevision,
  toEsdbPosition,
  toEventData,
  toPortAppendError,
  toPortPosition,
  toPortRevision,
  toRecordedEvent,
} from './eventstoredb-mapping';
import { KnownPositions } from './known-positions';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `esdb://127.0.0.1:2113?tls=false`. The user must be allowed to read $all (an admin, or an ACL granting it). */
  connectionString: string;
  /**
   * 'store' (default): an id is unique across the whole store, as the port promises, enforced with one small
   * reservation stream per id (see event-id-reservations.ts). 'stream': EventStoreDB's own rules only: an id
   * repeated within one append is refused, an id already in the same stream makes the append an idempotent
   * no-op (acknowledged, not refused), an id in another stream is not detected. Halves the writes.
   */
  eventIdUniqueness?: 'store' | 'stream';
  watcher?: AppendWatcherOptions;
}

/** Raw $all events per read while filtering client-side (the 6.x client's readAll has no server-side filter). */
const PAGE = 1000;
/** First page when looking for the head: the last domain event is nearly always among the last few. */
const HEAD_FIRST_PAGE = 8;
/** Events read backwards when looking for a valid start below a position that is not an event's. */
const PROBE_PAGE = 256;

/**
 * The event store port on EventStoreDB (≥ 22.6; written against @eventstore/db-client 6.2).
 *
 * - Streams are EventStoreDB streams; revisions are stream revisions; events keep the port's id as their
 *   EventStoreDB id, `data` as JSON, and metadata JSON `{ time, $correlationId, $causationId, schemaVersion }`.
 * - The global log is $all without system events (`$…` types or streams) and without this adapter's bookkeeping
 *   streams (`ventana-checkpoint-…`, `ventana-event-id-…`); `position` is the $all commit position
 *   (see toPortPosition for why it is exact).
 * - Checkpoints live in one stream per subscriber, `ventana-checkpoint-<name>`, with `$maxCount` 1.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly checkpoints: CheckpointStore;
  private readonly known = new KnownPositions();
  private readonly watcher: AppendWatcher;
  private readonly reservations: EventIdReservations | undefined;
  /** Checkpoint streams whose `$maxCount` this process already set. */
  private readonly limitedStreams = new Set<string>();
  /** What the last head search found: `head` was the last domain event when `top` was the last event of $all. */
  private headMemo: { head: number; top: bigint } | undefined;
  private closed = false;

  static async open(options: EventStoreDbEventStoreOptions): Promise<EventStoreDbEventStore> {
    const client = EventStoreDBClient.connectionString(options.connectionString);
    const store = new EventStoreDbEventStore(client, options);
    try {
      await store.headPosition(); // fail fast: unreachable server, no right to read $all
    } catch (error) {
      await client.dispose();
      throw error;
    }
    return store;
  }

  constructor(
    private readonly client: EsdbClient,
    { eventIdUniqueness = 'store', watcher }: Omit<EventStoreDbEventStoreOptions, 'connectionString'> = {},
  ) {
    if (eventIdUniqueness !== 'store' && eventIdUniqueness !== 'stream') {
      throw new Error(`invalid eventIdUniqueness: ${String(eventIdUniqueness)}`);
    }
    this.reservations = eventIdUniqueness === 'store' ? new EventIdReservations(client) : undefined;
    this.watcher = new AppendWatcher(client, () => this.headPosition(), watcher);
    this.checkpoints = {
      load: (subscriber) => this.loadCheckpoint(subscriber),
      save: (subscriber, position) => this.saveCheckpoint(subscriber, position),
    };
  }

  async append(streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    const expectedRevision = toEsdbExpectedRevision(expected);
    if (events.length === 0) return this.appendNothing(streamName, expected);
    const repeated = firstRepeatedId(events);
    if (repeated !== undefined) throw new DuplicateEventIdError(repeated);
    const data = events.map(toEventData); // validates every id before anything is written

    const reserved = this.reservations
      ? await this.reservations.reserve(
          events.map((e) => e.id),
          streamName,
        )
      : [];
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(streamName, data, { expectedRevision });
      if (!result.success) {
        // Only with `throwOnAppendFailure=false` in the connection string: the same refusal, as a result.
        throw new WrongExpectedVersionError(undefined, {
          streamName,
          expected: expectedRevision,
          current: result.nextExpectedRevision < 0n ? NO_STREAM : result.nextExpectedRevision,
        });
      }
    } catch (error) {
      if (reserved.length > 0 && isDefiniteAppendRejection(error)) await this.reservations!.release(reserved);
      throw toPortAppendError(error, streamName, expected);
    }
    // The append's position is its last event's: commit = prepare = that event's log position.
    const position = result.position ? toPortPosition(result.position) : await this.lastPositionOf(streamName);
    this.known.add(position);
    return { nextExpectedRevision: toPortRevision(result.nextExpectedRevision), position };
  }

  /** An empty append writes nothing: it only checks the expected revision (not atomically: nothing to protect). */
  private async appendNothing(streamName: string, expected: ExpectedRevision): Promise<AppendResult> {
    const last = await this.lastEventOf(streamName);
    const actual = last ? toPortRevision(last.revision) : -1;
    const matches = expected === 'any' || (expected === 'no_stream' ? actual === -1 : expected === actual);
    if (!matches) throw new WrongExpectedRevisionError(streamName, expected, actual);
    return { nextExpectedRevision: actual, position: await this.headPosition() };
  }

  async readStream(streamName: string, { fromRevision = 0 }: { fromRevision?: number } = {}): Promise<ReadStreamResult> {
    this.assertOpen();
    if (!Number.isSafeInteger(fromRevision)) throw new RangeError(`invalid fromRevision: ${fromRevision}`);
    let events: RecordedEvent[];
    try {
      const read = this.client.readStream(streamName, { fromRevision: BigInt(Math.max(0, fromRevision)), direction: FORWARDS });
      events = [];
      for await (const resolved of read) {
        if (!resolved.event) continue;
        const event = toRecordedEvent(resolved.event, resolved.commitPosition);
        this.known.add(event.position);
        events.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return { events: [], revision: -1 };
      throw error;
    }
    if (events.length > 0) return { events, revision: events[events.length - 1].revision };
    // Nothing from `fromRevision` on: the stream may still exist, and end before it.
    const last = await this.lastEventOf(streamName);
    return { events: [], revision: last ? toPortRevision(last.revision) : -1 };
  }

  /**
   * Reads $all forward from a start at or before `after` and keeps what lies strictly after it, skipping system
   * and bookkeeping events and, client-side, other types than `types` (the 6.x client's readAll sends no filter).
   * It stops after `limit` kept events or at the end of $all, never earlier: catch-up reads a short page as
   * "nothing else matches up to the head", so a page cut short by a scan budget would skip events.
   */
  async readAll({ after, limit, types }: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const wanted = types ? new Set(types) : undefined;
    if (limit <= 0 || wanted?.size === 0) return [];
    const afterCommit = BigInt(Math.max(0, Math.floor(after)));
    const pageSize = wanted ? PAGE : Math.min(PAGE, limit + 16);
    const found: RecordedEvent[] = [];
    let from = await this.startAtOrBefore(after);
    let previous: Position | undefined;
    for (;;) {
      const page = await this.readAllPage(from, pageSize, FORWARDS);
      for (const { event } of page) {
        if (!event) continue;
        // Reads start inclusively: the start event itself, and the previous page's last, come again.
        if (event.position.commit <= afterCommit || (previous && comparePositions(event.position, previous) <= 0)) continue;
        if (!isDomainEvent(event.streamId, event.type) || (wanted && !wanted.has(event.type))) continue;
        const recorded = toRecordedEvent(event);
        this.known.add(recorded.position);
        found.push(recorded);
        if (found.length >= limit) return found;
      }
      const last = lastPosition(page);
      if (page.length < pageSize || !last) return found; // the end of $all
      if (previous && comparePositions(last, previous) <= 0) {
        throw new Error(`EventStoreDB readAll did not advance past commit ${previous.commit} / prepare ${previous.prepare}`);
      }
      from = previous = last;
    }
  }

  /**
   * A valid position to read $all forward from, at or before `after` (see KnownPositions):
   * 0 → the start; a position seen on an event → itself; otherwise probe it (a read from an event's own position
   * returns that event first); failing that, walk back from the nearest known position above it (or the end) to
   * the first event at or below it; failing that, the greatest known position below it, or the start.
   */
  private async startAtOrBefore(after: number): Promise<ReadPosition> {
    if (after <= 0) return START;
    const target = Math.floor(after);
    if (this.known.has(target)) return toEsdbPosition(target);
    try {
      const [first] = await this.readAllPage(toEsdbPosition(target), 1, FORWARDS);
      if (first?.event?.position.commit === BigInt(target)) {
        this.known.add(target);
        return toEsdbPosition(target);
      }
    } catch (error) {
      if (isTransportError(error)) throw error;
      // Otherwise the server refused the position ("invalid position"): not a record boundary.
    }
    const above = this.known.above(target);
    const back = await this.readAllPage(above === undefined ? END : toEsdbPosition(above), PROBE_PAGE, BACKWARDS);
    for (const { event } of back) {
      if (event && event.position.commit <= BigInt(target)) return event.position;
    }
    if (back.length < PROBE_PAGE) return START; // every event up to there lies after `after`
    const floor = this.known.floor(target);
    return floor === undefined ? START : toEsdbPosition(floor);
  }

  async waitForAppend(position: number, timeoutMs: number): Promise<void> {
    if (this.closed) return;
    await this.watcher.wait(position, timeoutMs);
  }

  /**
   * The position of the last domain event: $all read backwards past system and bookkeeping events. The search
   * stops where the previous one started (`headMemo`), so a long run of system events is walked once.
   */
  async headPosition(): Promise<number> {
    this.assertOpen();
    let from: ReadPosition = END;
    let pageSize = HEAD_FIRST_PAGE;
    let top: bigint | undefined;
    const memo = this.headMemo;
    for (;;) {
      const page = await this.readAllPage(from, pageSize, BACKWARDS);
      for (const { event } of page) {
        if (!event) continue;
        top ??= event.position.commit;
        if (memo && event.position.commit <= memo.top) return this.rememberHead(memo.head, top);
        if (isDomainEvent(event.streamId, event.type)) {
          return this.rememberHead(toPortPosition(event.position, { requireOwnCommit: true }), top);
        }
      }
      const last = lastPosition(page);
      if (page.length < pageSize || !last) return top === undefined ? 0 : this.rememberHead(0, top);
      from = last; // backward reads exclude their start
      pageSize = PAGE;
    }
  }

  private rememberHead(head: number, top: bigint): number {
    if (!this.headMemo || top >= this.headMemo.top) this.headMemo = { head, top };
    if (head > 0) this.known.add(head);
    return head;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.watcher.close();
    await this.client.dispose();
  }

  private async loadCheckpoint(subscriber: string): Promise<number> {
    this.assertOpen();
    const last = await this.lastEventOf(checkpointStreamName(subscriber));
    if (!last) return 0;
    const position = (last.data as { position?: unknown } | null)?.position;
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
      throw new Error(`checkpoint of ${subscriber} is malformed: ${JSON.stringify(last.data)}`);
    }
    return position;
  }

  /** Appends to the subscriber's stream, last event wins; `$maxCount` 1 lets the server drop the older ones. */
  private async saveCheckpoint(subscriber: string, position: number): Promise<void> {
    this.assertOpen();
    if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`invalid checkpoint position: ${position}`);
    const stream = checkpointStreamName(subscriber);
    if (!this.limitedStreams.has(stream)) {
      await this.client.setStreamMetadata(stream, { maxCount: 1 });
      this.limitedStreams.add(stream);
    }
    await this.client.appendToStream(
      stream,
      {
        id: randomUUID(),
        contentType: 'application/json',
        type: CHECKPOINT_EVENT_TYPE,
        data: { position },
        metadata: { time: new Date().toISOString() },
      },
      { expectedRevision: ANY },
    );
  }

  /** The stream's last event, or undefined when the stream does not exist. */
  private async lastEventOf(streamName: string): Promise<EsdbRecordedEvent | undefined> {
    try {
      for await (const resolved of this.client.readStream(streamName, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })) {
        if (resolved.event) return resolved.event;
      }
      return undefined;
    } catch (error) {
      if (isStreamNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Fallback for servers whose append result carries no position. */
  private async lastPositionOf(streamName: string): Promise<number> {
    const last = await this.lastEventOf(streamName);
    if (!last?.position) throw new Error(`EventStoreDB gave no position for the append to ${streamName}: a server ≥ 22.6 is required`);
    return toPortPosition(last.position, { requireOwnCommit: true });
  }

  private async readAllPage(fromPosition: ReadPosition, maxCount: number, direction: Direction): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition, maxCount, direction, resolveLinkTos: false })) page.push(resolved);
    return page;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the EventStoreDB event store is closed');
  }
}

function lastPosition(page: readonly AllStreamResolvedEvent[]): Position | undefined {
  for (let i = page.length - 1; i >= 0; i--) {
    const position = page[i].event?.position;
    if (position) return position;
  }
  return undefined;
}

/** Errors that say nothing about the position read from: the server was not reached or did not answer. */
function isTransportError(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return (
    type === ErrorType.UNAVAILABLE ||
    type === ErrorType.DEADLINE_EXCEEDED ||
    type === ErrorType.TIMEOUT ||
    type === ErrorType.CANCELLED ||
    type === ErrorType.NOT_LEADER ||
    type === ErrorType.ACCESS_DENIED
  );
}
