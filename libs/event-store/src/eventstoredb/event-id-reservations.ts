import { randomUUID } from 'node:crypto';
import { NO_STREAM, type AppendExpectedRevision, type JSONEventData } from '@eventstore/db-client';
import { DuplicateEventIdError } from '../event-store';
import type { EsdbClient } from './eventstoredb-client';
import { eventIdStreamName, isWrongExpectedVersion } from './eventstoredb-mapping';

export const RESERVED_EVENT_TYPE = 'VentanaEventIdReserved';
export const RELEASED_EVENT_TYPE = 'VentanaEventIdReleased';

export interface Reservation {
  id: string;
  /** Revision of our reservation event in the id's stream: a release must follow exactly it. */
  revision: bigint;
}

/** Attempts at one id before giving up (each failed attempt means another writer moved the id's stream). */
const MAX_ATTEMPTS = 10;

/**
 * Store-wide unique event ids on EventStoreDB.
 *
 * The port promises that an id is unique across the whole store (DuplicateEventIdError, refusing the whole
 * append). EventStoreDB does not: ids are only compared within one stream, by its idempotent-write rules, and
 * a known id appended again there is acknowledged as a no-op rather than refused; in another stream it is
 * simply written again. EventStoreDB 6.x clients have no multi-stream transaction either. So each id gets
 * its own tiny stream, `ventana-event-id-<id>`, written with an expected revision before the append:
 *
 * - reserve: append `Reserved` expecting NO_STREAM. Refused with the stream at an even revision (its last event
 *   a `Reserved`): the id is taken → DuplicateEventIdError. At an odd revision (last event a `Released`): the
 *   id is free again → reserve after exactly that revision. Expected revisions make each step atomic, so
 *   `Reserved` and `Released` strictly alternate and two writers can never both hold an id.
 * - release: only when the append was certainly not written (wrong expected revision, deleted stream, access
 *   denied, …): append `Released` after exactly our `Reserved`. After an ambiguous failure (timeout, lost
 *   connection) the reservation stays: the events may be in the log, and a duplicate must never get in.
 *
 * Every stored event therefore has a reservation. The converse fails only after a crash (or ambiguous failure)
 * between reserving and appending: those ids stay refused. Writers here draw a fresh random UUID per attempt,
 * so a stranded reservation costs nothing; a caller re-sending the very same ids after such a failure would be
 * refused although nothing was stored.
 *
 * Cost: one extra small append per event (run in parallel, so one extra round trip per append) and one stream
 * per event id; `eventIdUniqueness: 'stream'` turns this off.
 */
export class EventIdReservations {
  constructor(private readonly client: EsdbClient) {}

  /** Reserves every id for `streamName`, or reserves none and throws (DuplicateEventIdError for a taken id). */
  async reserve(ids: readonly string[], streamName: string): Promise<Reservation[]> {
    const results = await Promise.allSettled(ids.map((id) => this.reserveOne(id, streamName)));
    const reserved: Reservation[] = [];
    const failures: unknown[] = [];
    for (const result of results) {
      if (result.status === 'fulfilled') reserved.push(result.value);
      else failures.push(result.reason);
    }
    if (failures.length === 0) return reserved;
    await this.release(reserved);
    throw failures.find((error) => error instanceof DuplicateEventIdError) ?? failures[0];
  }

  /** Best effort: a release that fails leaves its id refused, never a duplicate admitted. */
  async release(reservations: readonly Reservation[]): Promise<void> {
    await Promise.allSettled(
      reservations.map(({ id, revision }) =>
        this.client.appendToStream(eventIdStreamName(id), marker(RELEASED_EVENT_TYPE, undefined), { expectedRevision: revision }),
      ),
    );
  }

  private async reserveOne(id: string, streamName: string): Promise<Reservation> {
    let expected: AppendExpectedRevision = NO_STREAM;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        const result = await this.client.appendToStream(eventIdStreamName(id), marker(RESERVED_EVENT_TYPE, streamName), {
          expectedRevision: expected,
        });
        return { id, revision: result.nextExpectedRevision };
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        expected = nextReservationAttempt(id, error.actualVersion);
      }
    }
    throw new Error(`event id ${id}: could not reserve it in ${MAX_ATTEMPTS} attempts (its reservation stream keeps moving)`);
  }
}

/**
 * After a refused reservation: the expected revision of the next attempt, or DuplicateEventIdError when the
 * id's stream ends with a `Reserved` (even revision).
 */
export function nextReservationAttempt(id: string, actual: bigint | typeof NO_STREAM | undefined): AppendExpectedRevision {
  if (actual === undefined || actual === NO_STREAM || actual < 0n) return NO_STREAM;
  if (actual % 2n === 0n) throw new DuplicateEventIdError(id);
  return actual;
}

function marker(type: string, streamName: string | undefined): JSONEventData {
  return {
    id: randomUUID(),
    contentType: 'application/json',
    type,
    data: streamName === undefined ? {} : { stream: streamName },
    metadata: { time: new Date().toISOString() },
  };
}
