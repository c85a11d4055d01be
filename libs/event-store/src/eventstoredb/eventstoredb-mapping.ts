/**
 * Pure translations between the event store port and the EventStoreDB client (@eventstore/db-client 6.x):
 * no I/O here, so every rule is unit-tested without a server (eventstoredb-mapping.spec.ts).
 */
import {
  ANY,
  ErrorType,
  NO_STREAM,
  type AppendExpectedRevision,
  type CurrentRevision,
  type JSONEventData,
  type JSONType,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { NewEvent, RecordedEvent } from '../event';
import { WrongExpectedRevisionError, type ExpectedRevision } from '../event-store';

/** Streams this adapter writes for its own bookkeeping; they never show in `readAll`, `headPosition` or `waitForAppend`. */
export const CHECKPOINT_STREAM_PREFIX = 'ventana-checkpoint-';
export const EVENT_ID_STREAM_PREFIX = 'ventana-event-id-';
const INTERNAL_STREAM_PREFIXES = [CHECKPOINT_STREAM_PREFIX, EVENT_ID_STREAM_PREFIX] as const;

export const CHECKPOINT_EVENT_TYPE = 'VentanaCheckpointSaved';

/** One stream per subscriber, `$$`-free (a leading `$` would make it a system stream). */
export const checkpointStreamName = (subscriber: string): string => `${CHECKPOINT_STREAM_PREFIX}${subscriber}`;

/** One reservation stream per event id: see event-id-reservations.ts. */
export const eventIdStreamName = (eventId: string): string => `${EVENT_ID_STREAM_PREFIX}${eventId}`;

/**
 * Whether an event of $all belongs to the port's global log: not a system event (type `$…`, which also covers
 * `$metadata`, `$>` links and statistics), not in a system stream (`$…`, `$$…`), not one of this adapter's own
 * bookkeeping streams. Domain streams must therefore not start with `$` or with the prefixes above.
 */
export function isDomainEvent(streamId: string, type: string): boolean {
  if (type.startsWith('$') || streamId.startsWith('$')) return false;
  return !INTERNAL_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));
}

// ---------------------------------------------------------------------------------------------------------------
// Expected revisions and errors

/** 'no_stream' and -1 → NO_STREAM, 'any' → ANY, n ≥ 0 → BigInt(n). Anything else is a caller bug. */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (typeof expected === 'number' && Number.isSafeInteger(expected)) {
    if (expected === -1) return NO_STREAM;
    if (expected >= 0) return BigInt(expected);
  }
  throw new RangeError(`invalid expected revision: ${String(expected)}`);
}

/** The client's current revision ('no_stream' or a bigint) as the port's number: -1 when the stream does not exist. */
export function toPortRevision(current: CurrentRevision | bigint | undefined): number {
  if (current === undefined || current === NO_STREAM) return -1;
  if (current < 0n) return -1;
  if (current > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`stream revision ${current} exceeds 2^53`);
  return Number(current);
}

// Errors are recognised by the client's `type` tag rather than `instanceof`: a class check fails as soon as the
// client module is loaded twice (e.g. one Jest module registry per test file, or two copies in node_modules).
const errorType = (error: unknown): unknown => (error as { type?: unknown } | null | undefined)?.type;

export const isWrongExpectedVersion = (error: unknown): error is { actualVersion?: CurrentRevision } =>
  errorType(error) === ErrorType.WRONG_EXPECTED_VERSION;

export const isStreamNotFound = (error: unknown): boolean => errorType(error) === ErrorType.STREAM_NOT_FOUND;

/**
 * Whether a failed append was certainly not written. Only then may bookkeeping done for it (event id reservations)
 * be rolled back; after a timeout, a cancelled call or a lost connection the events may well be in the log.
 */
export function isDefiniteAppendRejection(error: unknown): boolean {
  const type = errorType(error);
  return (
    type === ErrorType.WRONG_EXPECTED_VERSION ||
    type === ErrorType.STREAM_DELETED ||
    type === ErrorType.ACCESS_DENIED ||
    type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED ||
    type === ErrorType.INVALID_ARGUMENT ||
    type === ErrorType.NOT_LEADER ||
    // Thrown by this module before anything is sent.
    error instanceof TypeError ||
    error instanceof RangeError
  );
}

/** The client's WrongExpectedVersionError as the port's WrongExpectedRevisionError; any other error unchanged. */
export function toPortAppendError(error: unknown, streamName: string, expected: ExpectedRevision): unknown {
  if (!isWrongExpectedVersion(error)) return error;
  return new WrongExpectedRevisionError(streamName, expected, toPortRevision(error.actualVersion));
}

// ---------------------------------------------------------------------------------------------------------------
// Positions

/**
 * The port's position is a JS number; $all positions are {commit, prepare} byte offsets in the transaction log.
 * The port's position is the commit position:
 * - every event appended through the gRPC API is an implicitly committed record whose commit and prepare
 *   positions are both its own log position, so the commit position is unique per event and strictly increases
 *   in $all order (the order readAll and subscriptions deliver);
 * - legacy explicit transactions (TCP client, removed in v24) give several events one commit position with
 *   different prepare positions: no single number could order those, so such events are refused
 *   (`requireOwnCommit`) rather than silently merged or skipped;
 * - a log offset reaches 2^53 only after 9 PB of log; beyond that the conversion throws instead of rounding.
 */
export function toPortPosition(position: Position, { requireOwnCommit = false } = {}): number {
  const { commit, prepare } = position;
  if (commit < 0n || commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`EventStoreDB commit position ${commit} does not fit the port's position (0..2^53-1)`);
  }
  if (requireOwnCommit && commit !== prepare) {
    throw new RangeError(
      `EventStoreDB event at commit ${commit} / prepare ${prepare} belongs to an explicit transaction; ` +
        'its events share a commit position, which the port cannot order: unsupported',
    );
  }
  return Number(commit);
}

/**
 * The read position of the event whose commit position is `position`: for events of implicit commits
 * (the only ones `toPortPosition` lets through) prepare = commit. Valid only for a position that really is an
 * event's: an arbitrary number may point into the middle of a log record, which the server refuses (or, on old
 * versions, misreads), so the adapter only starts reads from positions it has seen on events.
 */
export const toEsdbPosition = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

/** Total order of $all positions (commit first, then prepare). */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Envelope

/** EventStoreDB's own metadata conventions (used by its $by_correlation_id projection) plus the port's fields. */
export interface EnvelopeMetadata {
  $correlationId: string;
  $causationId: string;
  time: string;
  schemaVersion: number;
  [key: string]: unknown;
}

/** Canonical lower-case UUID: EventStoreDB ids are UUIDs and come back in this form, so only it round-trips. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertEventId(id: string): void {
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new TypeError(`event id ${JSON.stringify(id)} is not a lower-case UUID, which EventStoreDB requires`);
  }
}

/** The first id that occurs twice in one append, if any. */
export function firstRepeatedId(events: readonly NewEvent[]): string | undefined {
  const seen = new Set<string>();
  for (const { id } of events) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

/**
 * A port event as the client's JSON event: id = the port's id, data as JSON, metadata as JSON carrying
 * schemaVersion, time, `$correlationId` and `$causationId` (and any further metadata key, unchanged).
 */
export function toEventData(event: NewEvent): JSONEventData {
  assertEventId(event.id);
  const { correlationId, causationId, time, ...rest } = event.metadata as unknown as Record<string, unknown>;
  const metadata: EnvelopeMetadata = {
    ...rest,
    time: time as string,
    $correlationId: correlationId as string,
    $causationId: causationId as string,
    schemaVersion: event.schemaVersion ?? 1,
  };
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    // The client JSON.stringify()s `data` whatever its type, and JSON.parse()s it back on reads, so null, numbers,
    // booleans and strings round-trip although the client's JSONType names only objects, arrays and strings.
    data: (event.data ?? null) as JSONType,
    metadata: metadata as unknown as JSONType,
  };
}

/**
 * A client event (from $all or a stream read) as the port's RecordedEvent. `position` is the event's own
 * $all position (returned on stream reads by servers ≥ 22.6) or, failing that, the ResolvedEvent's commit position.
 */
export function toRecordedEvent(event: EsdbRecordedEvent, commitPosition?: bigint): RecordedEvent {
  const position = event.position ?? (commitPosition === undefined ? undefined : { commit: commitPosition, prepare: commitPosition });
  if (!position) {
    throw new Error(`EventStoreDB returned event ${event.id} without a position: a server ≥ 22.6 is required`);
  }
  const metadata = isPlainObject(event.metadata) ? (event.metadata as Record<string, unknown>) : {};
  const { $correlationId, $causationId, time, schemaVersion, ...rest } = metadata;
  return {
    id: event.id,
    type: event.type,
    data: event.isJson ? event.data : decodeBinary(event.data as Uint8Array),
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    metadata: {
      ...rest,
      time: typeof time === 'string' ? time : event.created.toISOString(),
      correlationId: typeof $correlationId === 'string' ? $correlationId : '',
      causationId: typeof $causationId === 'string' ? $causationId : '',
    },
    streamName: event.streamId,
    revision: toPortRevision(event.revision),
    position: toPortPosition(position, { requireOwnCommit: true }),
  };
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Events written by other tools as application/octet-stream: JSON when they hold JSON, else their text. */
function decodeBinary(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
