import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  EVENT_TYPE,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type Filter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
  type StreamMetadata,
  type StreamingRead,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import type { EsdbClient } from '../eventstoredb-client';

/**
 * An in-memory stand-in for EventStoreDBClient, for tests only. It is NOT EventStoreDB: it encodes what the
 * adapter assumes about the server, taken from the client's type definitions and the server's source, so that
 * the adapter's own logic (mapping, paging, filtering, reservations, position handling, waiting) is exercised
 * here, where no server can run. What it models:
 * - $all positions are byte offsets of variable-size records (an event's commit = prepare = its offset), so
 *   `position - 1` is not a record boundary, and reading $all from a non-boundary fails ("invalid position");
 * - forward reads of $all include their start position, backward reads exclude it;
 * - system events appear in $all (`$statsCollected` every few appends, `$metadata` on stream metadata);
 * - expected revisions, WrongExpectedVersionError (actual 'no_stream' or a bigint), StreamNotFoundError;
 * - data and metadata go through JSON exactly as the client sends and parses them;
 * - `$maxCount` stream metadata hides all but the newest events of a stream;
 * - subscribeToAll from END with a filter, confirmed asynchronously.
 * Not modelled: idempotent writes (an id already in the stream at the expected revision), clusters, deadlines.
 */
export class FakeEventStoreDBClient implements EsdbClient {
  readonly log: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  private readonly maxCounts = new Map<string, number>();
  private readonly subscriptions = new Set<FakeSubscription>();
  /** Offset of the next record; the log starts after a header, like a chunk file. */
  private end = 1536n;
  private appends = 0;
  /** Errors thrown by the next appends to these streams, once each (to simulate failures). */
  readonly failNextAppendTo = new Map<string, Error>();
  subscriptionsOpened = 0;
  disposed = false;

  constructor(private readonly systemEventEvery = 3) {}

  get openSubscriptions(): number {
    return this.subscriptions.size;
  }

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    { expectedRevision = ANY }: AppendToStreamOptions = {},
  ): Promise<AppendResult> {
    this.assertUsable();
    const list = Array.isArray(events) ? events : [events];
    await tick(); // a round trip: concurrent appends interleave here, then each one is checked and written atomically
    const failure = this.failNextAppendTo.get(streamName);
    if (failure) {
      this.failNextAppendTo.delete(streamName);
      throw failure;
    }
    return this.write(streamName, list, expectedRevision);
  }

  async setStreamMetadata(streamName: string, metadata: StreamMetadata): Promise<AppendResult> {
    this.assertUsable();
    await tick();
    if (metadata.maxCount !== undefined) this.maxCounts.set(streamName, metadata.maxCount);
    const { maxCount, ...rest } = metadata;
    return this.write(
      `$$${streamName}`,
      [
        {
          id: randomUUID(),
          contentType: 'application/json',
          type: '$metadata',
          data: { ...rest, ...(maxCount === undefined ? {} : { $maxCount: maxCount }) },
          metadata: undefined,
        },
      ],
      ANY,
    );
  }

  readStream(
    streamName: string,
    { fromRevision = START, direction = 'forwards', maxCount = Number.MAX_SAFE_INTEGER }: ReadStreamOptions = {},
  ): StreamingRead<ResolvedEvent> {
    this.assertUsable();
    return streamingRead(() => {
      const stored = this.streams.get(streamName);
      if (!stored) throw new StreamNotFoundError(undefined, streamName);
      const keep = this.maxCounts.get(streamName);
      const visible = keep === undefined ? stored : stored.slice(Math.max(0, stored.length - keep));
      let selected: LogRecord[];
      if (direction === BACKWARDS) {
        const upTo = fromRevision === END || fromRevision === START ? (fromRevision === END ? Infinity : 0) : Number(fromRevision);
        selected = visible.filter((r) => Number(r.revision) <= upTo).reverse();
      } else {
        const from = fromRevision === START ? 0 : fromRevision === END ? Infinity : Number(fromRevision);
        selected = visible.filter((r) => Number(r.revision) >= from);
      }
      return selected.slice(0, Number(maxCount)).map((r) => ({ event: toClientEvent(r), commitPosition: r.position }));
    });
  }

  readAll({
    fromPosition = START,
    direction = 'forwards',
    maxCount = Number.MAX_SAFE_INTEGER,
  }: ReadAllOptions = {}): StreamingRead<AllStreamResolvedEvent> {
    this.assertUsable();
    return streamingRead(() => {
      let selected: LogRecord[];
      if (direction === BACKWARDS) {
        let before = this.end;
        if (fromPosition === START) before = 0n;
        else if (fromPosition !== END && fromPosition.commit < this.end) {
          this.assertBoundary(fromPosition.commit);
          before = fromPosition.commit;
        }
        selected = this.log.filter((r) => r.position < before).reverse();
      } else {
        let from = 0n;
        if (fromPosition === END) from = this.end;
        else if (fromPosition !== START) {
          from = fromPosition.commit;
          if (from < this.end) this.assertBoundary(from);
        }
        selected = this.log.filter((r) => r.position >= from);
      }
      return selected.slice(0, Number(maxCount)).map((r) => ({ event: toClientEvent(r), commitPosition: r.position }));
    });
  }

  subscribeToAll({ fromPosition = START, filter }: SubscribeToAllOptions = {}): AllStreamSubscription {
    this.assertUsable();
    if (fromPosition !== END) throw new Error('the fake only subscribes from END');
    const subscription = new FakeSubscription(filter, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    this.subscriptionsOpened += 1;
    setImmediate(() => subscription.emit('confirmation'));
    return subscription as unknown as AllStreamSubscription;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const subscription of [...this.subscriptions]) await subscription.unsubscribe();
  }

  /** The events of one stream as stored, maxCount notwithstanding (for assertions). */
  stored(streamName: string): readonly LogRecord[] {
    return this.streams.get(streamName) ?? [];
  }

  private write(streamName: string, events: readonly EventData[], expected: AppendToStreamOptions['expectedRevision']): AppendResult {
    if (events.length === 0) throw new Error('the fake does not model empty appends');
    const stored = this.streams.get(streamName);
    const current = stored ? stored[stored.length - 1].revision : NO_STREAM;
    const ok =
      expected === ANY ||
      (expected === NO_STREAM && current === NO_STREAM) ||
      (expected === STREAM_EXISTS && current !== NO_STREAM) ||
      (typeof expected === 'bigint' && current === expected);
    if (!ok) throw new WrongExpectedVersionError(undefined, { streamName, expected: expected ?? ANY, current });

    const records = stored ?? [];
    let revision = current === NO_STREAM ? -1n : current;
    let last: LogRecord | undefined;
    for (const event of events) {
      revision += 1n;
      last = this.record(streamName, revision, event);
      records.push(last);
    }
    this.streams.set(streamName, records);
    this.appends += 1;
    if (this.systemEventEvery > 0 && this.appends % this.systemEventEvery === 0 && !streamName.startsWith('$')) {
      this.writeSystemEvent();
    }
    return { success: true, nextExpectedRevision: revision, position: { commit: last!.position, prepare: last!.position } };
  }

  private writeSystemEvent(): void {
    const stream = '$stats-127.0.0.1:2113';
    const records = this.streams.get(stream) ?? [];
    const revision = BigInt(records.length);
    const event: EventData = {
      id: randomUUID(),
      contentType: 'application/json',
      type: '$statsCollected',
      data: { 'proc-cpu': 1 },
      metadata: undefined,
    };
    records.push(this.record(stream, revision, event));
    this.streams.set(stream, records);
  }

  private record(streamId: string, revision: bigint, event: EventData): LogRecord {
    // What the client puts on the wire (append.js): JSON.stringify for JSON content, bytes as they are.
    const data = event.contentType === 'application/json' ? JSON.stringify(event.data) : (event.data as Uint8Array);
    const metadata =
      event.metadata === undefined
        ? undefined
        : event.metadata instanceof Uint8Array
          ? Buffer.from(event.metadata).toString('utf8')
          : JSON.stringify(event.metadata);
    const record: LogRecord = {
      streamId,
      id: event.id,
      type: event.type,
      isJson: event.contentType === 'application/json',
      data,
      metadata,
      revision,
      position: this.end,
      created: new Date(),
    };
    this.end += BigInt(120 + streamId.length + event.type.length + data.length + (metadata?.length ?? 0));
    this.log.push(record);
    for (const subscription of this.subscriptions) subscription.offer(record);
    return record;
  }

  private assertBoundary(position: bigint): void {
    if (!this.log.some((r) => r.position === position)) throw new UnknownError(undefined, 'Trying to read from an invalid position.');
  }

  private assertUsable(): void {
    if (this.disposed) throw new UnavailableError(undefined, 'client disposed');
  }
}

export interface LogRecord {
  streamId: string;
  id: string;
  type: string;
  isJson: boolean;
  data: string | Uint8Array;
  metadata: string | undefined;
  revision: bigint;
  position: bigint;
  created: Date;
}

class FakeSubscription extends Readable {
  private confirmed = false;

  constructor(
    private readonly eventFilter: Filter | undefined,
    private readonly onUnsubscribe: (s: FakeSubscription) => void,
  ) {
    super({ objectMode: true, read() {} });
    this.once('confirmation', () => (this.confirmed = true));
  }

  offer(record: LogRecord): void {
    if (!this.confirmed || !this.matches(record)) return;
    this.push({ event: toClientEvent(record), commitPosition: record.position } satisfies AllStreamResolvedEvent);
  }

  async unsubscribe(): Promise<void> {
    this.onUnsubscribe(this);
    this.push(null);
  }

  private matches(record: LogRecord): boolean {
    const filter = this.eventFilter;
    if (!filter) return true;
    const subject = filter.filterOn === EVENT_TYPE ? record.type : record.streamId;
    if ('regex' in filter) return new RegExp(filter.regex).test(subject);
    return filter.prefixes.some((prefix) => subject.startsWith(prefix));
  }
}

/** What the client's convertGrpcRecord makes of a stored record. */
function toClientEvent(record: LogRecord): AllStreamRecordedEvent {
  const position = { commit: record.position, prepare: record.position };
  const metadata = record.metadata === undefined ? undefined : parseOr(record.metadata, () => Buffer.from(record.metadata!, 'utf8'));
  const base = {
    streamId: record.streamId,
    id: record.id,
    revision: record.revision,
    type: record.type,
    created: record.created,
    position,
  };
  if (record.isJson) {
    const text = typeof record.data === 'string' ? record.data : Buffer.from(record.data).toString('utf8');
    return { ...base, isJson: true, data: parseOr(text, () => text), metadata } as AllStreamRecordedEvent;
  }
  const bytes = typeof record.data === 'string' ? Buffer.from(record.data, 'utf8') : record.data;
  return { ...base, isJson: false, data: bytes, metadata } as AllStreamRecordedEvent;
}

function parseOr<T>(text: string, fallback: () => T): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback();
  }
}

function streamingRead<E>(produce: () => E[]): StreamingRead<E> {
  const readable = new Readable({ objectMode: true, read() {} });
  setImmediate(() => {
    try {
      for (const item of produce()) readable.push(item);
      readable.push(null);
    } catch (error) {
      readable.destroy(error as Error);
    }
  });
  return Object.assign(readable, { cancel: async () => void readable.destroy() }) as unknown as StreamingRead<E>;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
