import type { ClientBase } from 'pg';

/**
 * The PostgreSQL event store's schema, as numbered migrations. `migrate` applies the ones a database
 * lacks, in order, each recorded in `event_store_migrations`; it is idempotent and safe to run from
 * several processes at once (they queue on an advisory lock). Tables are unqualified: they live in
 * the first schema of the connection's search_path.
 *
 * Global positions: position = ((xid - xid_base) << ORDINAL_BITS) + ordinal, where xid is the
 * 64-bit id (xid8) of the transaction that appended the event, xid_base the id of the transaction
 * that created the schema, and ordinal the event's index among the events that transaction appended.
 * Sorting by position is sorting by (transaction, ordinal), and every event with a position below
 * `(pg_snapshot_xmin(snapshot) - xid_base) << ORDINAL_BITS` belongs to a transaction that has ended,
 * so nothing can ever appear below that cutoff again. Readers only read below it (see README).
 *
 * ORDINAL_BITS = 12 bounds a transaction to 4096 events and leaves 41 bits of transactions (2.2e12
 * after the schema was created: 7 years at 10,000 transactions/s, cluster-wide) before positions
 * would pass Number.MAX_SAFE_INTEGER; the append function refuses both rather than mis-order.
 */
export const ORDINAL_BITS = 12;
export const MAX_EVENTS_PER_TRANSACTION = 2 ** ORDINAL_BITS;
const MAX_XID_SPAN = 2 ** (53 - ORDINAL_BITS);
/** First key of the per-stream advisory locks (two-key form), apart from every other advisory lock. */
const STREAM_LOCK_SPACE = 0x5645; // 'VE'

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'streams, events, checkpoints, append function',
    sql: `
      CREATE TABLE event_store_settings (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        -- Positions count transactions from this one on (see schema.ts).
        xid_base bigint NOT NULL
      );
      INSERT INTO event_store_settings (xid_base) VALUES (pg_current_xact_id()::text::bigint);

      -- The last revision of each stream: the expected-revision check is one row, locked by the append.
      CREATE TABLE event_store_streams (
        name text PRIMARY KEY,
        revision bigint NOT NULL
      );

      CREATE TABLE event_store_events (
        position bigint PRIMARY KEY,
        id text NOT NULL,
        stream text NOT NULL,
        revision bigint NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        CONSTRAINT event_store_events_id_unique UNIQUE (id),
        -- Last line of defence: the streams row already serialises writers of one stream.
        CONSTRAINT event_store_events_stream_revision_unique UNIQUE (stream, revision)
      );
      -- readAll with a types filter: per type, rows come out in position order.
      CREATE INDEX event_store_events_by_type ON event_store_events (type, position);

      CREATE TABLE event_store_checkpoints (
        name text PRIMARY KEY,
        position bigint NOT NULL
      );

      -- Where appends are announced (NOTIFY); one channel per schema, within NOTIFY's 63 bytes.
      CREATE FUNCTION event_store_channel() RETURNS text LANGUAGE sql STABLE
        AS $$ SELECT left('event_store.' || current_schema(), 63) $$;

      -- The highest position no later commit can go below (see schema.ts). Call it in the statement that reads.
      CREATE FUNCTION event_store_cutoff() RETURNS bigint LANGUAGE sql STABLE
        AS $$ SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint - xid_base) << ${ORDINAL_BITS} FROM event_store_settings $$;

      /*
       * One append, in one statement: checks the expected revision against the streams row (which it
       * creates or moves, so concurrent writers of one stream queue on that row and re-check after the
       * first commits), inserts the events, announces them. p_expected: -2 any, -1 no stream, n exact.
       * p_events: [{ id, type, v, data, metadata }]. Returns the actual revision found, and on success
       * the stream's new revision and the last event's position (both NULL on a revision mismatch).
       */
      CREATE FUNCTION event_store_append(p_stream text, p_expected bigint, p_events jsonb, p_notify boolean DEFAULT true)
      RETURNS TABLE (actual bigint, next_revision bigint, last_position bigint)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_count integer := jsonb_array_length(p_events);
        v_actual bigint;
        v_xid bigint := pg_current_xact_id()::text::bigint;
        v_span bigint;
        v_ordinal integer := coalesce(nullif(current_setting('event_store.next_ordinal', true), ''), '0')::integer;
      BEGIN
        IF v_count = 0 THEN
          RAISE EXCEPTION 'event_store_append: no events';
        END IF;
        SELECT v_xid - xid_base INTO v_span FROM event_store_settings;
        IF v_span <= 0 OR v_span >= ${MAX_XID_SPAN} THEN
          RAISE EXCEPTION 'event_store_append: transaction % is outside the position range of this store', v_xid;
        END IF;
        -- A transaction may call this several times (the ordinal carries on); 4096 events at most.
        IF v_ordinal + v_count > ${MAX_EVENTS_PER_TRANSACTION} THEN
          RAISE EXCEPTION 'event_store_append: more than ${MAX_EVENTS_PER_TRANSACTION} events in one transaction';
        END IF;

        IF p_expected = -2 THEN
          INSERT INTO event_store_streams AS s (name, revision) VALUES (p_stream, v_count - 1)
            ON CONFLICT (name) DO UPDATE SET revision = s.revision + v_count
            RETURNING s.revision - v_count INTO v_actual;
        ELSIF p_expected = -1 THEN
          INSERT INTO event_store_streams (name, revision) VALUES (p_stream, v_count - 1) ON CONFLICT (name) DO NOTHING;
          IF NOT FOUND THEN
            SELECT s.revision INTO v_actual FROM event_store_streams s WHERE s.name = p_stream;
            RETURN QUERY SELECT coalesce(v_actual, -1), NULL::bigint, NULL::bigint;
            RETURN;
          END IF;
          v_actual := -1;
        ELSE
          UPDATE event_store_streams s SET revision = s.revision + v_count WHERE s.name = p_stream AND s.revision = p_expected;
          IF NOT FOUND THEN
            SELECT s.revision INTO v_actual FROM event_store_streams s WHERE s.name = p_stream;
            RETURN QUERY SELECT coalesce(v_actual, -1), NULL::bigint, NULL::bigint;
            RETURN;
          END IF;
          v_actual := p_expected;
        END IF;

        INSERT INTO event_store_events (position, id, stream, revision, type, schema_version, data, metadata)
        SELECT (v_span << ${ORDINAL_BITS}) + v_ordinal + e.i - 1, e.ev->>'id', p_stream, v_actual + e.i, e.ev->>'type',
               coalesce((e.ev->>'v')::integer, 1), coalesce(e.ev->'data', 'null'::jsonb), e.ev->'metadata'
        FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(ev, i);

        PERFORM set_config('event_store.next_ordinal', (v_ordinal + v_count)::text, true);
        IF p_notify THEN
          PERFORM pg_notify(event_store_channel(), '');
        END IF;
        RETURN QUERY SELECT v_actual, v_actual + v_count, (v_span << ${ORDINAL_BITS}) + v_ordinal + v_count - 1;
      END
      $fn$;
    `,
  },
  {
    version: 2,
    name: 'append takes the stream before its transaction id',
    // A position comes from the transaction id, which PostgreSQL hands out at a transaction's first
    // write (or lock on a row). Two appends to one stream used to take their ids first and queue on
    // the streams row second, so the one that waited got the next revision but the smaller
    // position: the log showed the stream out of order. An advisory lock per stream (it needs no
    // transaction id) is now taken first, so ids, hence positions, follow each stream's revisions.
    // (Appends of one transaction to several streams keep the id of their first append.)
    sql: `
      CREATE OR REPLACE FUNCTION event_store_append(p_stream text, p_expected bigint, p_events jsonb, p_notify boolean DEFAULT true)
      RETURNS TABLE (actual bigint, next_revision bigint, last_position bigint)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_count integer := jsonb_array_length(p_events);
        v_actual bigint;
        v_xid bigint;
        v_span bigint;
        v_ordinal integer := coalesce(nullif(current_setting('event_store.next_ordinal', true), ''), '0')::integer;
      BEGIN
        IF v_count = 0 THEN
          RAISE EXCEPTION 'event_store_append: no events';
        END IF;
        PERFORM pg_advisory_xact_lock(${STREAM_LOCK_SPACE}, hashtext(p_stream));
        v_xid := pg_current_xact_id()::text::bigint;
        SELECT v_xid - xid_base INTO v_span FROM event_store_settings;
        IF v_span <= 0 OR v_span >= ${MAX_XID_SPAN} THEN
          RAISE EXCEPTION 'event_store_append: transaction % is outside the position range of this store', v_xid;
        END IF;
        IF v_ordinal + v_count > ${MAX_EVENTS_PER_TRANSACTION} THEN
          RAISE EXCEPTION 'event_store_append: more than ${MAX_EVENTS_PER_TRANSACTION} events in one transaction';
        END IF;

        IF p_expected = -2 THEN
          INSERT INTO event_store_streams AS s (name, revision) VALUES (p_stream, v_count - 1)
            ON CONFLICT (name) DO UPDATE SET revision = s.revision + v_count
            RETURNING s.revision - v_count INTO v_actual;
        ELSIF p_expected = -1 THEN
          INSERT INTO event_store_streams (name, revision) VALUES (p_stream, v_count - 1) ON CONFLICT (name) DO NOTHING;
          IF NOT FOUND THEN
            SELECT s.revision INTO v_actual FROM event_store_streams s WHERE s.name = p_stream;
            RETURN QUERY SELECT coalesce(v_actual, -1), NULL::bigint, NULL::bigint;
            RETURN;
          END IF;
          v_actual := -1;
        ELSE
          UPDATE event_store_streams s SET revision = s.revision + v_count WHERE s.name = p_stream AND s.revision = p_expected;
          IF NOT FOUND THEN
            SELECT s.revision INTO v_actual FROM event_store_streams s WHERE s.name = p_stream;
            RETURN QUERY SELECT coalesce(v_actual, -1), NULL::bigint, NULL::bigint;
            RETURN;
          END IF;
          v_actual := p_expected;
        END IF;

        INSERT INTO event_store_events (position, id, stream, revision, type, schema_version, data, metadata)
        SELECT (v_span << ${ORDINAL_BITS}) + v_ordinal + e.i - 1, e.ev->>'id', p_stream, v_actual + e.i, e.ev->>'type',
               coalesce((e.ev->>'v')::integer, 1), coalesce(e.ev->'data', 'null'::jsonb), e.ev->'metadata'
        FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(ev, i);

        PERFORM set_config('event_store.next_ordinal', (v_ordinal + v_count)::text, true);
        IF p_notify THEN
          PERFORM pg_notify(event_store_channel(), '');
        END IF;
        RETURN QUERY SELECT v_actual, v_actual + v_count, (v_span << ${ORDINAL_BITS}) + v_ordinal + v_count - 1;
      END
      $fn$;
    `,
  },
];

/** Applies the migrations the database lacks, in one transaction under an advisory lock. Returns the versions applied. */
export async function migrate(client: ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await client.query('BEGIN');
  try {
    // Per schema: two stores opening on the same schema queue here; different schemas do not.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('event_store_migrations:' || current_schema()))`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS event_store_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM event_store_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO event_store_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
