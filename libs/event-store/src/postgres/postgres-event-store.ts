import pg from 'pg';
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
import { AppendListener } from './append-listener';
import { MAX_EVENTS_PER_TRANSACTION, migrate } from './schema';
import { unlessConnectionLost } from './connection-loss';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** Connections in the pool (default 10); one more is opened for LISTEN once somebody waits for appends. */
  poolSize?: number;
  /**
   * Read-your-writes: `readAll` and `headPosition` wait up to this long (default 1000 ms) for this
   * store's own acknowledged appends to enter the global log, which they do once every transaction
   * older than theirs has ended (see schema.ts). They never return anything that is not final.
   */
  ownWritesWaitMs?: number;
}

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: RecordedEvent['metadata'];
}

const COLUMNS = 'position, id, stream, revision, type, schema_version, data, metadata';

/**
 * Statements, prepared once per pooled connection. Every read of the global log takes its cutoff
 * (`event_store_cutoff()`) in the same statement, hence from the same snapshot, as its rows; the
 * MATERIALIZED CTE computes it once (inlined, it would be re-evaluated for every row returned).
 * The lateral subqueries return their rows in order and a nested loop over one outer row keeps it,
 * so there is no outer ORDER BY (a sort of every page); `inOrder` checks it on the way out anyway.
 */
const SQL = {
  append: {
    name: 'event_store_append_v1',
    // The notification is sent after commit (see `announce`): a NOTIFY inside the append would
    // serialise the commits of all appends behind PostgreSQL's notify-queue lock.
    text: 'SELECT actual, next_revision, last_position FROM event_store_append($1, $2, $3, false)',
  },
  readStream: {
    name: 'event_store_read_stream_v1',
    // One statement: the stream's last revision and its events come from one snapshot. No row: no stream.
    text: `SELECT s.revision AS last, e.position, e.id, e.revision, e.type, e.schema_version, e.data, e.metadata
           FROM event_store_streams s
           LEFT JOIN LATERAL (
             SELECT ${COLUMNS} FROM event_store_events WHERE stream = s.name AND revision >= $2 ORDER BY revision
           ) e ON true
           WHERE s.name = $1`,
  },
  streamRevision: {
    name: 'event_store_stream_revision_v1',
    text: 'SELECT revision FROM event_store_streams WHERE name = $1',
  },
  readAll: {
    name: 'event_store_read_all_v1',
    // Always one row at least (the cutoff); event columns are NULL when nothing is final after $1.
    text: `WITH c AS MATERIALIZED (SELECT event_store_cutoff() AS cutoff)
           SELECT c.cutoff, e.*
           FROM c LEFT JOIN LATERAL (
             SELECT ${COLUMNS} FROM event_store_events
             WHERE position > $1 AND position < c.cutoff
             ORDER BY position LIMIT $2
           ) e ON true`,
  },
  readAllTypes: {
    name: 'event_store_read_all_types_v1',
    // Per type, an index range scan on (type, position); the pages are merged in position order.
    text: `WITH c AS MATERIALIZED (SELECT event_store_cutoff() AS cutoff)
           SELECT c.cutoff, e.*
           FROM c LEFT JOIN LATERAL (
             SELECT x.* FROM unnest($3::text[]) AS t(type)
             CROSS JOIN LATERAL (
               SELECT ${COLUMNS} FROM event_store_events ev
               WHERE ev.type = t.type AND ev.position > $1 AND ev.position < c.cutoff
               ORDER BY ev.position LIMIT $2
             ) x
             ORDER BY x.position LIMIT $2
           ) e ON true`,
  },
  head: {
    name: 'event_store_head_v1',
    text: `WITH c AS MATERIALIZED (SELECT event_store_cutoff() AS cutoff)
           SELECT c.cutoff, (SELECT max(position) FROM event_store_events WHERE position < c.cutoff) AS head FROM c`,
  },
  loadCheckpoint: {
    name: 'event_store_load_checkpoint_v1',
    text: 'SELECT position FROM event_store_checkpoints WHERE name = $1',
  },
  saveCheckpoint: {
    name: 'event_store_save_checkpoint_v1',
    text: `INSERT INTO event_store_checkpoints (name, position) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
  },
  notify: { name: 'event_store_notify_v1', text: `SELECT pg_notify($1, '')` },
} as const;

const INT8_OID = 20;
const JSON_OID = 114;
const JSONB_OID = 3802;
const parseInt8 = (value: string) => Number(value);

/**
 * This pool's own type parsers, so that whatever else the process does to pg's global ones (Emmett's
 * dumbo turns int8 into BigInt) does not reach the store. int8 → number is exact: positions stay
 * below 2^53 by construction (schema.ts).
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === INT8_OID) return parseInt8;
      if (oid === JSON_OID || oid === JSONB_OID) return JSON.parse;
    }
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The event store on PostgreSQL. One statement (one round trip, one implicit transaction) per
 * append; a global log that never lets a reader skip an event committed out of order, because it
 * only shows positions below the oldest running transaction (schema.ts); LISTEN/NOTIFY to wake
 * readers, with their timeout as the fallback.
 */
export class PostgresEventStore implements EventStore {
  readonly checkpoints: CheckpointStore;
  private readonly ownWritesWaitMs: number;
  /** The highest position this store has acknowledged to a caller. */
  private ownHead = 0;
  private announcing: Promise<void> | undefined;
  private announceAgain = false;
  private closed = false;

  static async open({ connectionString, poolSize = 10, ownWritesWaitMs = 1000 }: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const pool = new pg.Pool({ connectionString, max: poolSize, types: TYPES });
    // An idle connection that dies (server restart) is dropped from the pool; the next query opens another.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      let channel: string;
      try {
        await migrate(client);
        channel = (await client.query<{ channel: string }>('SELECT event_store_channel() AS channel')).rows[0].channel;
      } finally {
        client.release();
      }
      return new PostgresEventStore(pool, new AppendListener(connectionString, channel), ownWritesWaitMs);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  private constructor(
    private readonly pool: pg.Pool,
    private readonly listener: AppendListener,
    ownWritesWaitMs: number,
  ) {
    this.ownWritesWaitMs = ownWritesWaitMs;
    this.checkpoints = {
      load: async (name) => (await this.query<{ position: number }>({ ...SQL.loadCheckpoint, values: [name] })).rows[0]?.position ?? 0,
      save: async (name, position) => void (await this.query({ ...SQL.saveCheckpoint, values: [name, position] })),
    };
  }

  /** Every statement of the store: a lost connection is reported as the store being unavailable. */
  private query<Row extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<Row>> {
    return this.pool.query<Row>(config).catch((error: unknown) => {
      throw unlessConnectionLost(error);
    });
  }

  async append(streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const expectedCode = encodeExpected(expected);
    if (events.length === 0) return this.appendNothing(streamName, expected);
    if (events.length > MAX_EVENTS_PER_TRANSACTION)
      throw new RangeError(`an append holds at most ${MAX_EVENTS_PER_TRANSACTION} events, got ${events.length}`);
    const payload = JSON.stringify(
      events.map((e) => ({ id: e.id, type: e.type, v: e.schemaVersion ?? 1, data: e.data ?? null, metadata: e.metadata })),
    );
    type AppendRow = { actual: number; next_revision: number | null; last_position: number | null };
    let row: AppendRow;
    try {
      row = (await this.query<AppendRow>({ ...SQL.append, values: [streamName, expectedCode, payload] })).rows[0];
    } catch (error) {
      throw await this.translate(error, streamName, expected, events);
    }
    if (row.next_revision === null || row.last_position === null) throw new WrongExpectedRevisionError(streamName, expected, row.actual);
    this.acknowledged(row.last_position);
    return { nextExpectedRevision: row.next_revision, position: row.last_position };
  }

  /** An empty append writes nothing; it still checks the expected revision. */
  private async appendNothing(streamName: string, expected: ExpectedRevision): Promise<AppendResult> {
    const actual = await this.streamRevision(streamName);
    if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(streamName, expected, actual);
    return { nextExpectedRevision: actual, position: await this.headPosition() };
  }

  private async translate(error: unknown, streamName: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<unknown> {
    const { code, constraint, detail } = (error ?? {}) as { code?: string; constraint?: string; detail?: string };
    if (code !== '23505') return error;
    if (constraint === 'event_store_events_id_unique') {
      const id = /^Key \(id\)=\((.*)\) already exists\.$/s.exec(detail ?? '')?.[1];
      return new DuplicateEventIdError(id ?? events[0].id);
    }
    if (constraint === 'event_store_events_stream_revision_unique')
      return new WrongExpectedRevisionError(streamName, expected, await this.streamRevision(streamName));
    return error;
  }

  private async streamRevision(streamName: string): Promise<number> {
    return (await this.query<{ revision: number }>({ ...SQL.streamRevision, values: [streamName] })).rows[0]?.revision ?? -1;
  }

  async readStream(streamName: string, { fromRevision = 0 }: { fromRevision?: number } = {}): Promise<ReadStreamResult> {
    const { rows } = await this.query<EventRow & { last: number }>({ ...SQL.readStream, values: [streamName, fromRevision] });
    if (rows.length === 0) return { events: [], revision: -1 };
    const events: RecordedEvent[] = [];
    for (const row of rows) if (row.position !== null) events.push(toRecorded({ ...row, stream: streamName }));
    return { events: inOrder(events, 'revision'), revision: rows[0].last };
  }

  async readAll({ after, limit, types }: ReadAllOptions): Promise<RecordedEvent[]> {
    const query = types ? { ...SQL.readAllTypes, values: [after, limit, [...new Set(types)]] } : { ...SQL.readAll, values: [after, limit] };
    const ownHead = this.ownHead;
    const deadline = Date.now() + this.ownWritesWaitMs;
    for (let attempt = 0; ; attempt++) {
      const { rows } = await this.query<EventRow & { cutoff: number }>(query);
      const events: RecordedEvent[] = [];
      for (const row of rows) if (row.position !== null) events.push(toRecorded(row));
      inOrder(events, 'position');
      // A short page while one of our own acknowledged appends after `after` is not final yet: wait for it.
      const ownPending = ownHead > after && ownHead >= rows[0].cutoff;
      if (events.length >= limit || !ownPending || Date.now() >= deadline || this.closed) return events;
      await sleep(backoff(attempt));
    }
  }

  async headPosition(): Promise<number> {
    const ownHead = this.ownHead;
    const deadline = Date.now() + this.ownWritesWaitMs;
    for (let attempt = 0; ; attempt++) {
      const { cutoff, head } = await this.finalHead();
      if (ownHead < cutoff || Date.now() >= deadline || this.closed) return head;
      await sleep(backoff(attempt));
    }
  }

  /** The last final position, and the cutoff it was read under. */
  private async finalHead(): Promise<{ cutoff: number; head: number }> {
    const row = (await this.query<{ cutoff: number; head: number | null }>(SQL.head)).rows[0];
    return { cutoff: row.cutoff, head: row.head ?? 0 };
  }

  /** Never rejects: a failed look ends the wait early, and the caller's next read meets the error (and retries). */
  async waitForAppend(position: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    try {
      // Listening before looking: an append committed after the look below is announced to us.
      await this.listener.listen();
      while (!this.closed) {
        if ((await this.finalHead()).head > position) return;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return;
        if (await this.listener.next(remaining)) {
          // Something committed; it enters the log once the transactions older than it have ended,
          // which nobody announces: keep looking for a while before waiting for the next signal.
          const until = Math.min(deadline, Date.now() + SIGNAL_POLL_MS);
          for (let attempt = 0; !this.closed; attempt++) {
            if ((await this.finalHead()).head > position) return;
            const left = until - Date.now();
            if (left <= 0) break;
            await sleep(Math.min(left, backoff(attempt)));
          }
        }
      }
    } catch {
      if (!this.closed) await sleep(Math.max(0, Math.min(deadline - Date.now(), 250)));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener.close(); // releases pending waits
    while (this.announcing) await this.announcing;
    await this.pool.end();
  }

  private acknowledged(position: number): void {
    if (position > this.ownHead) this.ownHead = position;
    this.listener.wakeLocal();
    this.announce();
  }

  /**
   * Announces appends to other processes: one NOTIFY at a time, after commit; appends acknowledged
   * while one is in flight share the next. Best effort: a lost notification costs a listener its
   * timeout, nothing more.
   */
  private announce(): void {
    if (this.closed) return;
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = this.pool
      .query({ ...SQL.notify, values: [this.listener.channel] })
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.announcing = undefined;
        if (this.announceAgain) {
          this.announceAgain = false;
          this.announce();
        }
      });
  }
}

function encodeExpected(expected: ExpectedRevision): number {
  if (expected === 'any') return -2;
  if (expected === 'no_stream') return -1;
  if (!Number.isSafeInteger(expected) || expected < -1) throw new RangeError(`invalid expected revision: ${String(expected)}`);
  return expected;
}

function revisionMatches(expected: ExpectedRevision, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === -1;
  return expected === actual;
}

/** Sorts in place by `key` unless already in order (they are: see SQL); returns `events`. */
function inOrder(events: RecordedEvent[], key: 'position' | 'revision'): RecordedEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i - 1][key] > events[i][key]) return events.sort((a, b) => a[key] - b[key]);
  }
  return events;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: row.data,
    schemaVersion: row.schema_version,
    metadata: row.metadata,
    streamName: row.stream,
    revision: row.revision,
    position: row.position,
  };
}

/** After a wake-up, how long a waiter keeps looking for the announced append to become final. */
const SIGNAL_POLL_MS = 500;
const backoff = (attempt: number) => Math.min(50, 2 ** attempt);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
