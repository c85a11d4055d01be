import { randomUUID } from 'node:crypto';
import { UnavailableError } from '@eventstore/db-client';
import { eventStoreContract } from '../contract/event-store.contract';
import type { NewEvent } from '../event';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../event-store';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { checkpointStreamName, eventIdStreamName } from './eventstoredb-mapping';
import { FakeEventStoreDBClient } from './testing/fake-eventstoredb-client';

/**
 * The adapter over an in-memory stand-in for the EventStoreDB client (see FakeEventStoreDBClient for what it
 * models). This verifies the adapter's own logic, not EventStoreDB: that is eventstoredb-event-store.spec.ts,
 * which needs a server (EVENTSTORE_URL).
 */
eventStoreContract(
  'EventStoreDB adapter over an in-memory fake client (not a server)',
  async () => new EventStoreDbEventStore(new FakeEventStoreDBClient()),
);

const event = (type = 'Tested', data: unknown = { n: 1 }): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { time: new Date().toISOString(), correlationId: randomUUID(), causationId: randomUUID() },
});

describe('EventStoreDbEventStore over the fake client', () => {
  let client: FakeEventStoreDBClient;
  let store: EventStoreDbEventStore;
  beforeEach(() => {
    client = new FakeEventStoreDBClient();
    store = new EventStoreDbEventStore(client, { watcher: { lingerMs: 50 } });
  });
  afterEach(() => store.close());

  it('writes the envelope EventStoreDB conventions expect', async () => {
    const e = { ...event('Opened', { a: 1 }), schemaVersion: 2 };
    await store.append('orders-1', [e], 'no_stream');
    const [stored] = client.stored('orders-1');
    expect(stored).toMatchObject({ id: e.id, type: 'Opened', isJson: true, data: '{"a":1}' });
    expect(JSON.parse(stored.metadata!)).toEqual({
      time: e.metadata.time,
      $correlationId: e.metadata.correlationId,
      $causationId: e.metadata.causationId,
      schemaVersion: 2,
    });
  });

  it('keeps system and bookkeeping events out of readAll and headPosition', async () => {
    await store.append('orders-1', [event()], 'no_stream');
    await store.checkpoints.save('mailer', 1);
    await store.append('orders-2', [event()], 'no_stream');
    await store.checkpoints.save('mailer', 2);
    const all = await store.readAll({ after: 0, limit: 100 });
    expect(all.map((e) => e.streamName)).toEqual(['orders-1', 'orders-2']);
    expect(await store.headPosition()).toBe(all[1].position);
    // The raw log also holds reservations, checkpoints, $metadata and $statsCollected.
    expect(client.log.length).toBeGreaterThan(6);
    expect(client.log.at(-1)!.streamId).not.toBe('orders-2');
  });

  it('finds the head below long runs of bookkeeping and system events, and past them once new events come', async () => {
    const first = await store.append('orders-1', [event()], 'no_stream');
    for (let i = 0; i < 40; i++) await store.checkpoints.save(`reactor-${i}`, first.position);
    expect(await store.headPosition()).toBe(first.position);
    expect(await store.headPosition()).toBe(first.position); // from the memo: stops where the last search began
    for (let i = 0; i < 10; i++) await store.checkpoints.save(`reactor-${i}`, first.position);
    expect(await store.headPosition()).toBe(first.position);
    const second = await store.append('orders-2', [event()], 'no_stream');
    await store.checkpoints.save('reactor-0', second.position);
    expect(await store.headPosition()).toBe(second.position);
    for (let i = 0; i < 40; i++) await store.checkpoints.save(`reactor-${i}`, second.position);
    const fresh = new EventStoreDbEventStore(client); // no memo: walks the whole run back
    try {
      expect(await fresh.headPosition()).toBe(second.position);
    } finally {
      await fresh.close(); // disposes the shared client: last
    }
  });

  it('reads from a position that is not an event position (not a record boundary)', async () => {
    await store.append('s', [event(), event(), event()], 'no_stream');
    const { events } = await store.readStream('s');
    // A fresh store knows no positions: it has to find a valid start below `after` itself.
    const fresh = new EventStoreDbEventStore(client);
    try {
      expect(await fresh.readAll({ after: events[1].position - 1, limit: 10 })).toEqual(events.slice(1));
      expect(await fresh.readAll({ after: events[1].position + 1, limit: 10 })).toEqual(events.slice(2));
      expect(await fresh.readAll({ after: events[2].position + 10_000, limit: 10 })).toEqual([]);
      expect(await fresh.readAll({ after: events[0].position, limit: 10 })).toEqual(events.slice(1));
    } finally {
      await fresh.close();
    }
  });

  it('pages through long runs of other types until `limit` matching events or the end', async () => {
    const many = Array.from({ length: 2500 }, () => event('Noise'));
    await store.append('noise', [event('Wanted'), ...many, event('Wanted')], 'no_stream');
    const read = await store.readAll({ after: 0, limit: 5, types: ['Wanted'] });
    expect(read.map((e) => e.revision)).toEqual([0, 2501]);
  });

  it('sets $maxCount 1 on checkpoint streams, the last save winning', async () => {
    await store.checkpoints.save('pricing', 10);
    await store.checkpoints.save('pricing', 20);
    expect(await store.checkpoints.load('pricing')).toBe(20);
    const metadata = client.stored(`$$${checkpointStreamName('pricing')}`);
    expect(metadata).toHaveLength(1);
    expect(JSON.parse(metadata[0].data as string)).toEqual({ $maxCount: 1 });
  });

  describe('event id reservations', () => {
    it('releases the reservations of an append refused for its expected revision, so its ids stay usable', async () => {
      await store.append('s', [event()], 'no_stream');
      const retried = [event(), event()];
      await expect(store.append('s', retried, 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(client.stored(eventIdStreamName(retried[0].id)).map((r) => r.type)).toEqual([
        'VentanaEventIdReserved',
        'VentanaEventIdReleased',
      ]);
      expect((await store.append('s', retried, 0)).nextExpectedRevision).toBe(2);
      expect(client.stored(eventIdStreamName(retried[0].id))).toHaveLength(3);
      await expect(store.append('other', [retried[1]], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
    });

    it('keeps the reservations after an ambiguous failure: the events may have been written', async () => {
      const lost = [event()];
      client.failNextAppendTo.set('s', new UnavailableError(undefined, 'connection lost'));
      await expect(store.append('s', lost, 'any')).rejects.toBeInstanceOf(UnavailableError);
      await expect(store.append('s', lost, 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
    });

    it("in 'stream' mode leaves ids in other streams to EventStoreDB, which does not compare them", async () => {
      const loose = new EventStoreDbEventStore(client, { eventIdUniqueness: 'stream' });
      try {
        const taken = event();
        await loose.append('a', [taken], 'no_stream');
        await expect(loose.append('b', [taken], 'no_stream')).resolves.toMatchObject({ nextExpectedRevision: 0 });
        const repeated = event();
        await expect(loose.append('c', [repeated, repeated], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
      } finally {
        await loose.close();
      }
    });
  });

  describe('waitForAppend', () => {
    it('shares one subscription among waiters and closes it after the linger time', async () => {
      const head = await store.headPosition();
      const started = Date.now();
      const waits = [store.waitForAppend(head, 5000), store.waitForAppend(head, 5000)];
      await new Promise((r) => setTimeout(r, 20));
      await store.append('w', [event()], 'no_stream');
      await Promise.all(waits);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(client.subscriptionsOpened).toBe(1);
      await new Promise((r) => setTimeout(r, 120));
      expect(client.openSubscriptions).toBe(0);
    });

    it('is not woken by bookkeeping or system events', async () => {
      const head = await store.headPosition();
      const started = Date.now();
      const waiting = store.waitForAppend(head, 300);
      await new Promise((r) => setTimeout(r, 20));
      await store.checkpoints.save('quiet', head);
      await waiting;
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    });

    it('releases pending waits on close', async () => {
      const started = Date.now();
      const waiting = store.waitForAppend(await store.headPosition(), 60_000);
      await store.close();
      await waiting;
      expect(Date.now() - started).toBeLessThan(1000);
      expect(client.disposed).toBe(true);
    });
  });

  it('refuses to work once closed', async () => {
    await store.close();
    await expect(store.append('s', [event()], 'any')).rejects.toThrow(/closed/);
    await expect(store.readAll({ after: 0, limit: 1 })).rejects.toThrow(/closed/);
  });
});
