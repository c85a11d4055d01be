import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCatchUp, type CatchUp } from './catch-up';
import type { NewEvent, RecordedEvent } from './event';
import { startReactor } from './reactor';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

let dir: string;
let store: SqliteEventStore;
const running: CatchUp[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'catch-up-'));
  store = await SqliteEventStore.open({ file: join(dir, 'events.db') });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const event = (type: string, n: number): NewEvent => ({
  id: randomUUID(),
  type,
  data: { n },
  metadata: { time: new Date().toISOString(), correlationId: 'c', causationId: 'c' },
});
const append = (stream: string, ...types: string[]) =>
  store.append(
    stream,
    types.map((type, n) => event(type, n)),
    'any',
  );
const track = <T extends CatchUp>(c: T): T => (running.push(c), c);
const ids = (events: RecordedEvent[]) => events.map((e) => `${e.streamName}#${e.revision}`);

describe('startCatchUp', () => {
  it('handles existing and later-appended events in position order, in batches', async () => {
    await append('a', 'X', 'X', 'X');
    await append('b', 'X', 'X');
    const handled: RecordedEvent[] = [];
    const batchSizes: number[] = [];
    const catchUp = track(
      startCatchUp({
        name: 'test',
        store,
        startAfter: async () => 0,
        batchSize: 2,
        handle: async (batch) => {
          batchSizes.push(batch.length);
          handled.push(...batch);
        },
      }),
    );
    await catchUp.caughtUp(5);
    await append('a', 'X');
    const { position } = await append('c', 'X', 'X');
    await catchUp.caughtUp(position);

    expect(ids(handled)).toEqual(['a#0', 'a#1', 'a#2', 'b#0', 'b#1', 'a#3', 'c#0', 'c#1']);
    expect(handled.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Math.max(...batchSizes)).toBe(2);
    expect(catchUp.position()).toBe(8);
  });

  it('lingering after a wake-up, takes a burst of appends as one batch', async () => {
    const batches: string[][] = [];
    const catchUp = track(
      startCatchUp({ name: 'test', store, lingerMs: 100, startAfter: async () => 0, handle: async (b) => void batches.push(ids(b)) }),
    );
    await catchUp.caughtUp(0);
    await append('a', 'X');
    await new Promise((r) => setTimeout(r, 20)); // woken by the first append, still lingering
    await append('b', 'X');
    const { position } = await append('c', 'X');
    await catchUp.caughtUp(position);

    expect(batches).toEqual([['a#0', 'b#0', 'c#0']]);
  });

  it('starts after the given position', async () => {
    await append('a', 'X', 'X', 'X', 'X');
    const handled: RecordedEvent[] = [];
    const catchUp = track(
      startCatchUp({ name: 'test', store, startAfter: async () => 2, handle: async (b) => void handled.push(...b) }),
    );
    await catchUp.caughtUp(4);
    expect(handled.map((e) => e.position)).toEqual([3, 4]);
  });

  it('retries a failing batch with backoff, reporting each failure, then carries on', async () => {
    await append('a', 'X', 'X');
    const attempts: number[] = [];
    const seen: number[][] = [];
    let failures = 2;
    const catchUp = track(
      startCatchUp({
        name: 'test',
        store,
        startAfter: async () => 0,
        handle: async (batch) => {
          seen.push(batch.map((e) => e.position));
          if (failures-- > 0) throw new Error('boom');
        },
        onError: (_error, attempt) => attempts.push(attempt),
      }),
    );
    const started = Date.now();
    await catchUp.caughtUp(2);

    expect(attempts).toEqual([1, 2]);
    expect(seen).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140); // 50 ms + 100 ms of backoff
  });

  it('hands over only the wanted types, yet is caught up past the others', async () => {
    await append('a', 'X', 'Y', 'Z', 'Y');
    const handled: RecordedEvent[] = [];
    const catchUp = track(
      startCatchUp({
        name: 'test',
        store,
        types: ['X', 'Z'],
        batchSize: 1,
        startAfter: async () => 0,
        handle: async (b) => void handled.push(...b),
      }),
    );
    await catchUp.caughtUp(4); // event 4 is a Y: nothing matching is left below it
    expect(handled.map((e) => [e.type, e.position])).toEqual([
      ['X', 1],
      ['Z', 3],
    ]);
    expect(catchUp.position()).toBeGreaterThanOrEqual(4);

    const { position } = await append('b', 'Y', 'Z');
    await catchUp.caughtUp(position);
    expect(handled.map((e) => e.position)).toEqual([1, 3, 6]);
  });

  it('resolves caughtUp only once the position is handled, and rejects waits on stop', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const catchUp = track(startCatchUp({ name: 'test', store, startAfter: async () => 0, handle: () => gate }));
    await catchUp.caughtUp(0); // empty log
    await append('a', 'X');

    let caughtUp = false;
    const waiting = catchUp.caughtUp(1).then(() => (caughtUp = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(caughtUp).toBe(false);
    release();
    await waiting;
    expect(catchUp.position()).toBe(1);

    const never = catchUp.caughtUp(100);
    await catchUp.stop();
    await expect(never).rejects.toThrow(/stopped/);
  });

  it('stop waits for the in-flight batch and then handles nothing more', async () => {
    await append('a', 'X');
    let inFlight!: () => void;
    const started = new Promise<void>((resolve) => (inFlight = resolve));
    const handled: number[] = [];
    const catchUp = startCatchUp({
      name: 'test',
      store,
      startAfter: async () => 0,
      handle: async (batch) => {
        inFlight();
        await new Promise((resolve) => setTimeout(resolve, 150));
        handled.push(...batch.map((e) => e.position));
      },
    });
    await started;
    await catchUp.stop();
    expect(handled).toEqual([1]);

    await append('a', 'X');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled).toEqual([1]);
  });
});

describe('startReactor', () => {
  it('saves its checkpoint per batch and resumes from it after a restart', async () => {
    await append('a', 'X', 'Y', 'X');
    const handled: number[] = [];
    const options = {
      name: 'mailer',
      store,
      types: ['X'],
      handle: async (e: RecordedEvent) => void handled.push(e.position),
    };
    const first = startReactor(options);
    await first.caughtUp(3);
    await first.stop();
    expect(handled).toEqual([1, 3]);
    expect(await store.checkpoints.load('mailer')).toBe(3);

    await append('b', 'X', 'Y');
    const second = track(startReactor(options));
    await second.caughtUp(5);
    expect(handled).toEqual([1, 3, 4]);
    expect(await store.checkpoints.load('mailer')).toBe(4);
  });

  it('replays a failed batch from the start: at-least-once', async () => {
    await append('a', 'X', 'X', 'X');
    const calls: number[] = [];
    let failOnce = true;
    const reactor = track(
      startReactor({
        name: 'flaky',
        store,
        onError: () => {},
        handle: async (e) => {
          calls.push(e.position);
          if (e.position === 2 && failOnce) {
            failOnce = false;
            throw new Error('transient');
          }
        },
      }),
    );
    await reactor.caughtUp(3);
    expect(calls).toEqual([1, 2, 1, 2, 3]);
    expect(await store.checkpoints.load('flaky')).toBe(3);
  });
});
