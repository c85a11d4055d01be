import { randomUUID } from 'node:crypto';
import {
  ANY,
  NO_STREAM,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type JSONRecordedEvent,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { NewEvent } from '../event';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../event-store';
import { nextReservationAttempt } from './event-id-reservations';
import {
  assertEventId,
  checkpointStreamName,
  comparePositions,
  eventIdStreamName,
  firstRepeatedId,
  isDefiniteAppendRejection,
  isDomainEvent,
  isStreamNotFound,
  isWrongExpectedVersion,
  toEsdbExpectedRevision,
  toEsdbPosition,
  toEventData,
  toPortAppendError,
  toPortPosition,
  toPortRevision,
  toRecordedEvent,
} from './eventstoredb-mapping';
import { KnownPositions } from './known-positions';

const newEvent = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  id: randomUUID(),
  type: 'MessageRequested',
  data: { text: 'hi', nested: { n: [1, 2] } },
  metadata: { time: '2026-01-02T03:04:05.678Z', correlationId: 'corr-1', causationId: 'cause-1' },
  ...overrides,
});

/** What the client makes of a stored JSON event (convertGrpcRecord): data and metadata parsed back from JSON. */
function asRead(data: ReturnType<typeof toEventData>, streamId: string, revision: bigint, position: bigint): EsdbRecordedEvent {
  return {
    streamId,
    id: data.id,
    isJson: true,
    revision,
    type: data.type,
    created: new Date('2026-01-02T03:04:06Z'),
    data: JSON.parse(JSON.stringify(data.data)),
    metadata: JSON.parse(JSON.stringify(data.metadata)),
    position: { commit: position, prepare: position },
  } as JSONRecordedEvent;
}

describe('EventStoreDB mapping', () => {
  describe('expected revision', () => {
    it.each([
      ['no_stream', NO_STREAM],
      ['any', ANY],
      [-1, NO_STREAM],
      [0, 0n],
      [41, 41n],
      [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
    ] as const)('maps %p to %p', (expected, esdb) => {
      expect(toEsdbExpectedRevision(expected)).toBe(esdb);
    });

    it.each([-2, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('refuses %p', (expected) => {
      expect(() => toEsdbExpectedRevision(expected)).toThrow(RangeError);
    });

    it("reads the client's current revision as the port's number", () => {
      expect(toPortRevision(NO_STREAM)).toBe(-1);
      expect(toPortRevision(undefined)).toBe(-1);
      expect(toPortRevision(-1n)).toBe(-1);
      expect(toPortRevision(0n)).toBe(0);
      expect(toPortRevision(7n)).toBe(7);
      expect(() => toPortRevision(2n ** 60n)).toThrow(RangeError);
    });
  });

  describe('errors', () => {
    const wrong = (current: bigint | typeof NO_STREAM) =>
      new WrongExpectedVersionError(undefined, { streamName: 's', expected: NO_STREAM, current });

    it("maps the client's WrongExpectedVersionError to WrongExpectedRevisionError with the actual revision", () => {
      const mapped = toPortAppendError(wrong(3n), 'orders-1', 'no_stream');
      expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
      expect(mapped).toMatchObject({ streamName: 'orders-1', expected: 'no_stream', actual: 3 });
    });

    it('reports -1 when the stream does not exist', () => {
      expect(toPortAppendError(wrong(NO_STREAM), 'orders-2', 0)).toMatchObject({ expected: 0, actual: -1 });
    });

    it('keeps the expected revision the caller gave (-1 stays -1)', () => {
      expect(toPortAppendError(wrong(0n), 's', -1)).toMatchObject({ expected: -1, actual: 0 });
    });

    it('passes any other error through unchanged', () => {
      const other = new UnavailableError(undefined, 'down');
      expect(toPortAppendError(other, 's', 'any')).toBe(other);
      const plain = new Error('boom');
      expect(toPortAppendError(plain, 's', 'any')).toBe(plain);
    });

    it("recognises the client's errors by their type tag", () => {
      expect(isWrongExpectedVersion(wrong(1n))).toBe(true);
      expect(isWrongExpectedVersion(new Error('x'))).toBe(false);
      expect(isWrongExpectedVersion(undefined)).toBe(false);
      expect(isStreamNotFound(new StreamNotFoundError(undefined, 's'))).toBe(true);
      expect(isStreamNotFound(wrong(1n))).toBe(false);
      // The same tag from another copy of the client module (no shared class) is recognised too.
      expect(isWrongExpectedVersion({ type: 'wrong-expected-version', actualVersion: 2n })).toBe(true);
    });

    it('rolls back bookkeeping only when the append certainly was not written', () => {
      expect(isDefiniteAppendRejection(wrong(1n))).toBe(true);
      expect(isDefiniteAppendRejection(new TypeError('bad id'))).toBe(true);
      expect(isDefiniteAppendRejection(new UnavailableError(undefined, 'lost'))).toBe(false);
      expect(isDefiniteAppendRejection(new Error('timeout?'))).toBe(false);
    });
  });

  describe('positions', () => {
    it('uses the commit position', () => {
      expect(toPortPosition({ commit: 4321n, prepare: 4321n })).toBe(4321);
      expect(toPortPosition({ commit: 0n, prepare: 0n })).toBe(0);
    });

    it('guards the 2^53 limit instead of rounding', () => {
      const max = BigInt(Number.MAX_SAFE_INTEGER);
      expect(toPortPosition({ commit: max, prepare: max })).toBe(Number.MAX_SAFE_INTEGER);
      expect(() => toPortPosition({ commit: max + 1n, prepare: max + 1n })).toThrow(RangeError);
      expect(() => toPortPosition({ commit: -1n, prepare: -1n })).toThrow(RangeError);
    });

    it('refuses events of explicit transactions (shared commit position) where an own position is required', () => {
      const shared = { commit: 9000n, prepare: 8800n };
      expect(toPortPosition(shared)).toBe(9000);
      expect(() => toPortPosition(shared, { requireOwnCommit: true })).toThrow(/explicit transaction/);
    });

    it('reads from an event position as {commit, prepare} both equal to it', () => {
      expect(toEsdbPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
    });

    it('orders positions by commit, then prepare', () => {
      expect(comparePositions({ commit: 1n, prepare: 9n }, { commit: 2n, prepare: 0n })).toBe(-1);
      expect(comparePositions({ commit: 2n, prepare: 1n }, { commit: 2n, prepare: 0n })).toBe(1);
      expect(comparePositions({ commit: 2n, prepare: 2n }, { commit: 2n, prepare: 2n })).toBe(0);
    });
  });

  describe('envelope', () => {
    it('writes the id, JSON data and JSON metadata with $correlationId, $causationId, time and schemaVersion', () => {
      const event = newEvent({ schemaVersion: 3 });
      expect(toEventData(event)).toEqual({
        id: event.id,
        contentType: 'application/json',
        type: 'MessageRequested',
        data: { text: 'hi', nested: { n: [1, 2] } },
        metadata: { time: '2026-01-02T03:04:05.678Z', $correlationId: 'corr-1', $causationId: 'cause-1', schemaVersion: 3 },
      });
    });

    it('defaults schemaVersion to 1 and undefined data to null', () => {
      const data = toEventData(newEvent({ data: undefined }));
      expect(data.data).toBeNull();
      expect(data.metadata).toMatchObject({ schemaVersion: 1 });
    });

    it.each([
      ['an object', { a: 1, nested: { b: [1, 2] } }],
      ['a string', 'text'],
      ['a numeric string', '123'],
      ['null', null],
      ['a number', 42],
      ['a boolean', false],
      ['an array', [1, 'two', null]],
    ])('round-trips %s as data through the JSON the client sends and parses', (_label, value) => {
      const event = newEvent({ data: value, schemaVersion: 2 });
      const recorded = toRecordedEvent(asRead(toEventData(event), 'conversation-b1-w1', 4n, 123456n));
      expect(recorded).toEqual({
        id: event.id,
        type: event.type,
        data: value,
        schemaVersion: 2,
        metadata: event.metadata,
        streamName: 'conversation-b1-w1',
        revision: 4,
        position: 123456,
      });
    });

    it('keeps further metadata keys both ways', () => {
      const event = newEvent({ metadata: { time: 't', correlationId: 'c', causationId: 'k', tenant: 'acme' } as NewEvent['metadata'] });
      const data = toEventData(event);
      expect(data.metadata).toMatchObject({ tenant: 'acme', $correlationId: 'c' });
      expect(toRecordedEvent(asRead(data, 's', 0n, 99n)).metadata).toEqual({
        time: 't',
        correlationId: 'c',
        causationId: 'k',
        tenant: 'acme',
      });
    });

    it('reads events written by other tools: no metadata, binary data', () => {
      const foreign = {
        streamId: 'legacy-1',
        id: randomUUID(),
        isJson: false,
        revision: 0n,
        type: 'Imported',
        created: new Date('2025-05-05T05:05:05.000Z'),
        data: Buffer.from('{"x":1}'),
        metadata: undefined,
        position: { commit: 77n, prepare: 77n },
      } as unknown as EsdbRecordedEvent;
      expect(toRecordedEvent(foreign)).toMatchObject({
        data: { x: 1 },
        schemaVersion: 1,
        metadata: { time: '2025-05-05T05:05:05.000Z', correlationId: '', causationId: '' },
        position: 77,
      });
    });

    it("falls back to the resolved event's commit position, and requires one", () => {
      const data = toEventData(newEvent());
      const withoutPosition = { ...asRead(data, 's', 0n, 1n), position: undefined } as EsdbRecordedEvent;
      expect(toRecordedEvent(withoutPosition, 555n).position).toBe(555);
      expect(() => toRecordedEvent(withoutPosition)).toThrow(/22\.6/);
    });

    it('accepts only lower-case UUID ids, which round-trip through EventStoreDB unchanged', () => {
      expect(() => assertEventId(randomUUID())).not.toThrow();
      expect(() => assertEventId(randomUUID().toUpperCase())).toThrow(TypeError);
      expect(() => assertEventId('order-1-created')).toThrow(TypeError);
      expect(() => toEventData(newEvent({ id: 'not-a-uuid' }))).toThrow(TypeError);
    });

    it('finds an id repeated within one append', () => {
      const a = newEvent();
      expect(firstRepeatedId([a, newEvent(), a])).toBe(a.id);
      expect(firstRepeatedId([a, newEvent()])).toBeUndefined();
    });
  });

  describe('what belongs to the global log', () => {
    it.each([
      ['conversation-b1-w1', 'MessageRequested', true],
      ['conversation-b1-w1', '$>', false],
      ['$stats-127.0.0.1:2113', '$statsCollected', false],
      ['$$orders-1', '$metadata', false],
      ['$projections-x', 'Whatever', false],
      [checkpointStreamName('pricing'), 'VentanaCheckpointSaved', false],
      [eventIdStreamName(randomUUID()), 'VentanaEventIdReserved', false],
    ])('%s / %s → %p', (stream, type, expected) => {
      expect(isDomainEvent(stream, type)).toBe(expected);
    });

    it('names bookkeeping streams without a leading $', () => {
      expect(checkpointStreamName('window-policy')).toBe('ventana-checkpoint-window-policy');
      expect(eventIdStreamName('abc')).toBe('ventana-event-id-abc');
    });
  });

  describe('event id reservations', () => {
    it('reserves a fresh id expecting no stream', () => {
      expect(nextReservationAttempt('id', NO_STREAM)).toBe(NO_STREAM);
    });

    it('refuses an id whose stream ends with a reservation (even revision)', () => {
      expect(() => nextReservationAttempt('id-1', 0n)).toThrow(DuplicateEventIdError);
      expect(() => nextReservationAttempt('id-1', 2n)).toThrow(expect.objectContaining({ eventId: 'id-1' }));
    });

    it('reserves again after a release (odd revision), expecting exactly it', () => {
      expect(nextReservationAttempt('id', 1n)).toBe(1n);
      expect(nextReservationAttempt('id', 3n)).toBe(3n);
    });
  });

  describe('known positions', () => {
    it('answers membership, floor and the next position above', () => {
      const known = new KnownPositions();
      [100, 300, 200].forEach((p) => known.add(p));
      expect(known.has(200)).toBe(true);
      expect(known.has(199)).toBe(false);
      expect(known.floor(250)).toBe(200);
      expect(known.floor(200)).toBe(200);
      expect(known.floor(99)).toBeUndefined();
      expect(known.above(199)).toBe(200);
      expect(known.above(200)).toBe(300);
      expect(known.above(300)).toBeUndefined();
    });

    it('forgets the oldest beyond its capacity', () => {
      const known = new KnownPositions(2);
      [1, 2, 3].forEach((p) => known.add(p));
      expect(known.has(1)).toBe(false);
      expect(known.has(3)).toBe(true);
    });
  });
});
