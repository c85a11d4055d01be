import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../event';
import { DuplicateEventIdError, WrongExpectedRevisionError, type EventStore } from '../event-store';

/**
 * The behaviour every EventStore adapter must show. Tests use fresh stream names and event types,
 * so the suite also runs against a shared server that other writers use at the same time.
 */
export function eventStoreContract(name: string, open: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    const suffix = () => randomUUID().slice(0, 8);
    const fresh = (prefix: string) => `${prefix}-${suffix()}`;
    const event = (type = 'Tested', data: unknown = { n: 1 }, schemaVersion?: number): NewEvent => ({
      id: randomUUID(),
      type,
      data,
      ...(schemaVersion === undefined ? {} : { schemaVersion }),
      metadata: { time: new Date().toISOString(), correlationId: randomUUID(), causationId: randomUUID() },
    });
    /** The rejection of `promise`, failing the test if it resolves. */
    const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
      try {
        await promise;
      } catch (error) {
        return error;
      }
      throw new Error('expected a rejection');
    };
    /** Every event after `after`, read in small pages to exercise paging. */
    const readAllAfter = async (after: number, types?: readonly string[]): Promise<RecordedEvent[]> => {
      const all: RecordedEvent[] = [];
      for (;;) {
        const page = await store.readAll({ after, limit: 3, types });
        if (page.length === 0) return all;
        all.push(...page);
        after = page[page.length - 1].position;
      }
    };

    describe('append and read', () => {
      it('round-trips every envelope field', async () => {
        const stream = fresh('roundtrip');
        const written = [
          event('Opened', { a: 1, nested: { b: [1, 2] } }, 3),
          event('Noted', 'text'),
          event('Closed', null),
        ];
        const result = await store.append(stream, written, 'no_stream');
        const { events, revision } = await store.readStream(stream);

        expect(revision).toBe(2);
        expect(result.nextExpectedRevision).toBe(2);
        expect(result.position).toBe(events[2].position);
        expect(events).toEqual(
          written.map((e, i) => ({
            id: e.id,
            type: e.type,
            data: e.data,
            schemaVersion: e.schemaVersion ?? 1,
            metadata: e.metadata,
            streamName: stream,
            revision: i,
            position: expect.any(Number),
          })),
        );
        const fromLog = await store.readAll({ after: events[0].position - 1, limit: 1000 });
        expect(fromLog.filter((e) => e.streamName === stream)).toEqual(events);
      });

      it('numbers revisions 0..n per stream across appends', async () => {
        const a = fresh('rev-a');
        const b = fresh('rev-b');
        await store.append(a, [event(), event()], 'no_stream');
        await store.append(b, [event()], 'no_stream');
        const next = await store.append(a, [event(), event(), event()], 1);

        expect(next.nextExpectedRevision).toBe(4);
        expect((await store.readStream(a)).events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
        expect((await store.readStream(b)).events.map((e) => e.revision)).toEqual([0]);
      });

      it('reads a missing stream as empty with revision -1', async () => {
        expect(await store.readStream(fresh('missing'))).toEqual({ events: [], revision: -1 });
      });

      it('reads a stream from a revision on, still reporting the last revision', async () => {
        const stream = fresh('tail');
        await store.append(stream, [event(), event(), event(), event()], 'no_stream');
        const from2 = await store.readStream(stream, { fromRevision: 2 });
        expect(from2.events.map((e) => e.revision)).toEqual([2, 3]);
        expect(from2.revision).toBe(3);
        expect(await store.readStream(stream, { fromRevision: 4 })).toEqual({ events: [], revision: 3 });
        expect(await store.readStream(fresh('missing'), { fromRevision: 3 })).toEqual({ events: [], revision: -1 });
        expect((await store.readStream(stream)).events.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
        expect((await store.readStream(stream, { fromRevision: 1 })).events.map((e) => e.revision)).toEqual([1, 2, 3]);
      });

      it('keeps positions strictly increasing across streams', async () => {
        const a = fresh('pos-a');
        const b = fresh('pos-b');
        const before = await store.headPosition();
        const p1 = (await store.append(a, [event()], 'any')).position;
        const p2 = (await store.append(b, [event(), event()], 'any')).position;
        const p3 = (await store.append(a, [event()], 'any')).position;

        expect(p1).toBeGreaterThan(before);
        expect(p2).toBeGreaterThan(p1);
        expect(p3).toBeGreaterThan(p2);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(p3);
        const ours = (await readAllAfter(before)).filter((e) => e.streamName === a || e.streamName === b);
        expect(ours.map((e) => [e.streamName, e.revision])).toEqual([
          [a, 0],
          [b, 0],
          [b, 1],
          [a, 1],
        ]);
        expect(ours[2].position).toBe(p2);
      });
    });

    describe('expected revision', () => {
      it("'no_stream' succeeds on a new stream and fails on an existing one", async () => {
        const stream = fresh('nostream');
        await store.append(stream, [event(), event()], 'no_stream');
        const error = await rejection(store.append(stream, [event()], 'no_stream'));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamName: stream, expected: 'no_stream', actual: 1 });
        expect((await store.readStream(stream)).revision).toBe(1);
      });

      it('-1 means the stream must not exist', async () => {
        const stream = fresh('minus-one');
        await store.append(stream, [event()], -1);
        expect(await rejection(store.append(stream, [event()], -1))).toMatchObject({ actual: 0 });
      });

      it('accepts the exact revision and refuses any other, reporting the actual one', async () => {
        const stream = fresh('exact');
        await store.append(stream, [event(), event(), event()], 'no_stream');
        expect((await store.append(stream, [event()], 2)).nextExpectedRevision).toBe(3);

        for (const wrong of [2, 4, 0]) {
          const error = await rejection(store.append(stream, [event()], wrong));
          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect(error).toMatchObject({ expected: wrong, actual: 3 });
        }
        const missing = await rejection(store.append(fresh('exact-missing'), [event()], 0));
        expect(missing).toMatchObject({ expected: 0, actual: -1 });
        expect((await store.readStream(stream)).revision).toBe(3);
      });

      it("'any' appends to new and existing streams", async () => {
        const stream = fresh('any');
        expect((await store.append(stream, [event()], 'any')).nextExpectedRevision).toBe(0);
        expect((await store.append(stream, [event(), event()], 'any')).nextExpectedRevision).toBe(2);
      });

      it('lets exactly one of two concurrent appends with the same expected revision win', async () => {
        const stream = fresh('race');
        await store.append(stream, [event()], 'no_stream');
        const first = [event('First')];
        const second = [event('Second'), event('Second')];
        const results = await Promise.allSettled([store.append(stream, first, 0), store.append(stream, second, 0)]);

        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0].reason).toBeInstanceOf(WrongExpectedRevisionError);
        const winner = results[0].status === 'fulfilled' ? first : second;
        const { events } = await store.readStream(stream);
        expect(events.slice(1).map((e) => e.id)).toEqual(winner.map((e) => e.id));
      });
    });

    describe('one order', () => {
      it("keeps a stream's revision order in the global log, even under concurrent 'any' appends", async () => {
        const stream = fresh('concurrent');
        await Promise.all(Array.from({ length: 40 }, (_, i) => store.append(stream, [event('Concurrent', { i })], 'any')));
        const { events } = await store.readStream(stream);
        expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
        // Positions rise with revisions: whoever follows the log sees the stream in its own order.
        for (let i = 1; i < events.length; i++) expect(events[i].position).toBeGreaterThan(events[i - 1].position);
        const fromLog = (await readAllAfter(events[0].position - 1, ['Concurrent'])).filter((e) => e.streamName === stream);
        expect(fromLog.map((e) => e.revision)).toEqual(events.map((e) => e.revision));
      });
    });

    describe('duplicate event ids', () => {
      it('refuses the whole append when an id is already stored', async () => {
        const taken = event();
        await store.append(fresh('dup-first'), [taken], 'no_stream');
        const stream = fresh('dup-second');
        const error = await rejection(store.append(stream, [event(), { ...taken, type: 'Other' }, event()], 'any'));

        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ eventId: taken.id });
        expect(await store.readStream(stream)).toEqual({ events: [], revision: -1 });
      });

      it('refuses an append that repeats an id within itself', async () => {
        const stream = fresh('dup-self');
        await store.append(stream, [event()], 'no_stream');
        const repeated = event();
        const error = await rejection(store.append(stream, [repeated, event(), repeated], 0));

        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect((await store.readStream(stream)).revision).toBe(0);
        expect((await store.append(stream, [event()], 0)).nextExpectedRevision).toBe(1);
      });
    });

    describe('readAll', () => {
      it('reads in position order, strictly after `after`, at most `limit`', async () => {
        const stream = fresh('readall');
        const before = await store.headPosition();
        await store.append(stream, [event(), event(), event(), event(), event()], 'no_stream');
        const { events } = await store.readStream(stream);

        const all = await store.readAll({ after: before, limit: 10_000 });
        const positions = all.map((e) => e.position);
        expect(positions).toEqual([...positions].sort((x, y) => x - y));
        expect(new Set(positions).size).toBe(positions.length);
        expect(positions.every((p) => p > before)).toBe(true);
        expect(all.filter((e) => e.streamName === stream)).toEqual(events);

        const page = await store.readAll({ after: before, limit: 2 });
        expect(page).toEqual(all.slice(0, 2));

        const afterSecond = await store.readAll({ after: events[1].position, limit: 10_000 });
        expect(afterSecond.every((e) => e.position > events[1].position)).toBe(true);
        expect(afterSecond.filter((e) => e.streamName === stream)).toEqual(events.slice(2));
      });

      it('filters by type and keeps position order', async () => {
        const [wanted, alsoWanted, other] = [fresh('Wanted'), fresh('AlsoWanted'), fresh('Other')];
        const stream = fresh('types');
        const before = await store.headPosition();
        await store.append(
          stream,
          [event(other), event(wanted), event(other), event(alsoWanted), event(wanted), event(other)],
          'no_stream',
        );

        const read = await readAllAfter(before, [wanted, alsoWanted]);
        expect(read.map((e) => [e.type, e.revision])).toEqual([
          [wanted, 1],
          [alsoWanted, 3],
          [wanted, 4],
        ]);
        const limited = await store.readAll({ after: before, limit: 2, types: [alsoWanted, wanted] });
        expect(limited).toEqual(read.slice(0, 2));
        expect(await store.readAll({ after: read[2].position, limit: 10, types: [wanted, alsoWanted] })).toEqual([]);
        expect(await store.readAll({ after: before, limit: 10, types: [fresh('Nothing')] })).toEqual([]);
      });
    });

    describe('waitForAppend', () => {
      it('resolves at once when the log is already past the position', async () => {
        await store.append(fresh('wait-past'), [event()], 'no_stream');
        const head = await store.headPosition();
        const started = Date.now();
        await store.waitForAppend(head - 1, 10_000);
        expect(Date.now() - started).toBeLessThan(1000);
      });

      it('wakes on an append', async () => {
        const head = await store.headPosition();
        const started = Date.now();
        const waiting = store.waitForAppend(head, 10_000);
        setTimeout(() => void store.append(fresh('wait-wake'), [event()], 'no_stream'), 50);
        await waiting;
        expect(Date.now() - started).toBeLessThan(5000);
        expect(await store.headPosition()).toBeGreaterThan(head);
      });

      it('times out when nothing is appended', async () => {
        const head = await store.headPosition();
        const started = Date.now();
        await store.waitForAppend(head, 200);
        expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      });
    });

    describe('checkpoints', () => {
      it('loads 0 for an unknown subscriber', async () => {
        expect(await store.checkpoints.load(fresh('subscriber'))).toBe(0);
      });

      it('saves and loads, the last save winning', async () => {
        const subscriber = fresh('subscriber');
        await store.checkpoints.save(subscriber, 7);
        expect(await store.checkpoints.load(subscriber)).toBe(7);
        await store.checkpoints.save(subscriber, 42);
        expect(await store.checkpoints.load(subscriber)).toBe(42);
        expect(await store.checkpoints.load(fresh('subscriber'))).toBe(0);
      });
    });
  });
}
