import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestSchema, describeWithPostgres, type TestSchema } from '../../../../test/support/infra';
import { startCatchUp } from '../catch-up';
import { eventStoreContract } from '../contract/event-store.contract';
import type { NewEvent, RecordedEvent } from '../event';
import { WrongExpectedRevisionError } from '../event-store';
import { PostgresEventStore } from './postgres-event-store';
import { MIGRATIONS, migrate } from './schema';

const schemas: TestSchema[] = [];
async function freshSchema(): Promise<TestSchema> {
  const schema = await createTestSchema('event_store');
  schemas.push(schema);
  return schema;
}
afterAll(async () => {
  await Promise.all(schemas.map((schema) => schema.drop()));
});

const event = (type = 'Tested'): NewEvent => ({
  id: randomUUID(),
  type,
  data: { at: Date.now() },
  metadata: { time: new Date().toISOString(), correlationId: 'c', causationId: 'c' },
});

/** A connection of its own, on the schema, for transactions the test holds open. */
async function connect(schema: TestSchema): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  return client;
}

/** Whether `promise` is still pending after `ms`. */
async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  const winner = await Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(pending), ms))]);
  return winner === pending;
}

describeWithPostgres()('PostgresEventStore', () => {
  eventStoreContract('PostgresEventStore', async () => PostgresEventStore.open({ connectionString: (await freshSchema()).url }));

  describe('on PostgreSQL', () => {
    let schema: TestSchema;
    let store: PostgresEventStore;
    let other: PostgresEventStore;
    beforeAll(async () => {
      schema = await freshSchema();
      store = await PostgresEventStore.open({ connectionString: schema.url, poolSize: 12 });
      // Another "process" on the same schema: its own pool, its own LISTEN connection.
      other = await PostgresEventStore.open({ connectionString: schema.url });
    });
    afterAll(async () => {
      await store?.close();
      await other?.close();
    });

    it('lets exactly one of many concurrent appends with the same expected revision win, across stores', async () => {
      const stream = `race-${randomUUID()}`;
      await store.append(stream, [event()], 'no_stream');
      const attempts = Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).append(stream, [event(`Attempt${i}`)], 0));
      const results = await Promise.allSettled(attempts);

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(lost).toHaveLength(11);
      for (const { reason } of lost) {
        expect(reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(reason).toMatchObject({ streamName: stream, expected: 0, actual: 1 });
      }
      expect((await store.readStream(stream)).events.map((e) => e.revision)).toEqual([0, 1]);
    });

    it("lets exactly one of many concurrent 'no_stream' appends create the stream", async () => {
      const stream = `create-${randomUUID()}`;
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).append(stream, [event(), event()], 'no_stream')),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ expected: 'no_stream', actual: 1 });
      expect((await store.readStream(stream)).revision).toBe(1);
    });

    it('never lets a reader skip an event whose transaction commits after a later one', async () => {
      const start = await other.headPosition();
      const seen: RecordedEvent[] = [];
      const slowStream = `slow-${randomUUID()}`;
      const fastStream = `fast-${randomUUID()}`;
      // A reader following the global log, as every subscription does, in another "process".
      const reader = startCatchUp({
        name: 'out-of-order',
        store: other,
        startAfter: async () => start,
        handle: async (batch) => void seen.push(...batch.filter((e) => e.streamName === slowStream || e.streamName === fastStream)),
        idleWaitMs: 100,
      });
      const slow = await connect(schema);
      try {
        // The slow writer appends through the store's own SQL function and keeps its transaction open.
        await slow.query('BEGIN');
        const slowEvent = event('Slow');
        const { rows } = await slow.query(`SELECT last_position::float8 AS position FROM event_store_append($1, -1, $2)`, [
          slowStream,
          JSON.stringify([{ id: slowEvent.id, type: slowEvent.type, data: slowEvent.data, metadata: slowEvent.metadata }]),
        ]);
        const slowPosition = Number(rows[0].position);

        // A later transaction commits first.
        const fast = await store.append(fastStream, [event('Fast')], 'no_stream');
        expect(fast.position).toBeGreaterThan(slowPosition);

        // The fast event is committed, and a reader ordering by position alone would take it now and
        // checkpoint past the slow one. This store shows neither while the slow transaction is open.
        const plain = await slow.query('SELECT count(*)::int AS n FROM event_store_events WHERE stream = $1', [fastStream]);
        expect(plain.rows[0].n).toBe(1);
        const waiting = other.waitForAppend(start, 10_000);
        expect(await pendingAfter(waiting, 400)).toBe(true);
        expect(seen).toEqual([]);
        expect(reader.position()).toBeLessThan(slowPosition);
        expect(await other.headPosition()).toBeLessThan(slowPosition);
        expect((await other.readAll({ after: start, limit: 1000 })).filter((e) => e.streamName === fastStream)).toEqual([]);

        await slow.query('COMMIT');
        await waiting; // woken by the commit
        await reader.caughtUp(fast.position);
        expect(seen.map((e) => [e.streamName, e.position])).toEqual([
          [slowStream, slowPosition],
          [fastStream, fast.position],
        ]);
      } finally {
        await slow.query('ROLLBACK').catch(() => undefined);
        await slow.end();
        await reader.stop();
      }
    });

    it('wakes a waiter in another process through NOTIFY', async () => {
      const head = await other.headPosition();
      const started = Date.now();
      const waiting = other.waitForAppend(head, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.append(`notify-${randomUUID()}`, [event()], 'no_stream');
      await waiting;
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await other.headPosition()).toBeGreaterThan(head);
    });

    it('numbers the events of several appends in one transaction consecutively', async () => {
      const client = await connect(schema);
      const one = `tx-a-${randomUUID()}`;
      const two = `tx-b-${randomUUID()}`;
      const payload = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ id: randomUUID(), type: 'InTx', metadata: {} })));
      try {
        await client.query('BEGIN');
        await client.query('SELECT event_store_append($1, -1, $2)', [one, payload(2)]);
        await client.query('SELECT event_store_append($1, -1, $2)', [two, payload(1)]);
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
      const [a, b] = [(await store.readStream(one)).events, (await store.readStream(two)).events];
      expect([...a, ...b].map((e) => e.position - a[0].position)).toEqual([0, 1, 2]);
      expect(b[0].data).toBeNull();
      expect(b[0].schemaVersion).toBe(1);
    });

    it('refuses an append of more events than one transaction can number', async () => {
      const stream = `huge-${randomUUID()}`;
      await expect(
        store.append(
          stream,
          Array.from({ length: 4097 }, () => event()),
          'no_stream',
        ),
      ).rejects.toThrow(RangeError);
      const most = await store.append(
        stream,
        Array.from({ length: 4096 }, () => event()),
        'no_stream',
      );
      expect(most.nextExpectedRevision).toBe(4095);
      const { events } = await store.readStream(stream);
      expect(events.at(-1)!.position - events[0].position).toBe(4095);
    });

    it("keeps its own type parsers whatever is done to pg's global ones", async () => {
      const original = pg.types.getTypeParser(20, 'text');
      pg.types.setTypeParser(20, (value: string) => BigInt(value));
      try {
        const isolated = await PostgresEventStore.open({ connectionString: schema.url, poolSize: 1 });
        try {
          const { position } = await isolated.append(`parsers-${randomUUID()}`, [event()], 'no_stream');
          expect(typeof position).toBe('number');
          expect(typeof (await isolated.headPosition())).toBe('number');
        } finally {
          await isolated.close();
        }
      } finally {
        pg.types.setTypeParser(20, original);
      }
    });
  });

  describe('migration', () => {
    it('is versioned and idempotent: opening twice, even at once, applies it once and keeps the data', async () => {
      const schema = await freshSchema();
      const [first, second] = await Promise.all([
        PostgresEventStore.open({ connectionString: schema.url, poolSize: 2 }),
        PostgresEventStore.open({ connectionString: schema.url, poolSize: 2 }),
      ]);
      const stream = `kept-${randomUUID()}`;
      try {
        await first.append(stream, [event(), event()], 'no_stream');
        await first.checkpoints.save('projector', 9);
      } finally {
        await first.close();
        await second.close();
      }

      const reopened = await PostgresEventStore.open({ connectionString: schema.url, poolSize: 2 });
      const client = await connect(schema);
      try {
        expect(await migrate(client)).toEqual([]);
        const { rows } = await client.query('SELECT version FROM event_store_migrations ORDER BY version');
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
        expect((await reopened.readStream(stream)).revision).toBe(1);
        expect(await reopened.checkpoints.load('projector')).toBe(9);
        await expect(reopened.append(stream, [event()], 'no_stream')).rejects.toMatchObject({ actual: 1 });
      } finally {
        await client.end();
        await reopened.close();
      }
    });
  });
});
