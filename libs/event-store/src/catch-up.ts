import type { RecordedEvent } from './event';
import type { EventStore } from './event-store';

export interface CatchUpOptions {
  /** For logs and metrics. */
  name: string;
  store: EventStore;
  /** Where to start: the position of the last event already handled. */
  startAfter: () => Promise<number>;
  /** Handles one batch in position order; when it resolves the batch counts as handled. */
  handle: (batch: RecordedEvent[]) => Promise<void>;
  types?: readonly string[];
  /** Default 500. */
  batchSize?: number;
  /** How long to wait for an append before polling again (default 1000 ms). */
  idleWaitMs?: number;
  /**
   * Once woken by an append, how much longer to wait before reading (default 0), so that a burst
   * of appends becomes one batch: one transaction and one checkpoint instead of one per append.
   */
  lingerMs?: number;
  /** Called on every failed attempt before the retry; defaults to console.error. */
  onError?: (error: unknown, attempt: number) => void;
  /** Called whenever everything matching up to `position` has been handled. */
  onAdvance?: (position: number) => void;
}

export interface CatchUp {
  /** Waits for the in-flight batch, then ends the loop. */
  stop(): Promise<void>;
  /** Resolves when everything up to `position` has been handled; rejects if the loop stops first. */
  caughtUp(position: number): Promise<void>;
  /** Everything matching up to this position has been handled (-1 until `startAfter` resolved). */
  position(): number;
}

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 5000;

/** Thrown inside the loop to unwind it once stop() was called. */
const STOPPED = Symbol('stopped');

/** Follows the global log from `startAfter()` on, handing batches to `handle` one at a time, forever, until stopped. */
export function startCatchUp(options: CatchUpOptions): CatchUp {
  const { name, store, types, batchSize = 500, idleWaitMs = 1000, lingerMs = 0 } = options;
  const onError =
    options.onError ?? ((error, attempt) => console.error(`[catch-up ${name}] attempt ${attempt} failed`, error));

  let position = -1;
  let stopping = false;
  let signalStop!: () => void;
  const stopSignal = new Promise<void>((resolve) => (signalStop = resolve));
  const waiters = new Set<{ position: number; resolve: () => void; reject: (error: Error) => void }>();

  const advance = (to: number) => {
    if (to !== position) options.onAdvance?.(to);
    position = to;
    for (const waiter of waiters) {
      if (waiter.position <= position) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  /** Runs `step` until it succeeds, backing off exponentially; unwinds with STOPPED once stopping. */
  const retrying = async <T>(step: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      if (stopping) throw STOPPED;
      try {
        return await step();
      } catch (error) {
        if (stopping) throw STOPPED;
        onError(error, attempt);
        await sleep(Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (attempt - 1)), stopSignal);
      }
    }
  };

  const run = async () => {
    advance(await retrying(options.startAfter));
    while (!stopping) {
      // Head is read before the batch: a short batch then proves nothing matching is left up to `head`,
      // which lets the position move past events the types filter skipped.
      const head = await retrying(() => store.headPosition());
      const batch = await retrying(() => store.readAll({ after: position, limit: batchSize, types }));
      if (batch.length > 0) await retrying(() => options.handle(batch));
      const last = batch.at(-1)?.position ?? position;
      const full = batch.length >= batchSize;
      advance(full ? last : Math.max(last, head, position));
      if (!full && !stopping) {
        await Promise.race([store.waitForAppend(position, idleWaitMs), stopSignal]);
        if (lingerMs > 0 && !stopping) await sleep(lingerMs, stopSignal);
      }
    }
  };

  const done = run()
    .catch((error: unknown) => {
      if (error !== STOPPED) onError(error, 0); // not expected: every step retries
    })
    .finally(() => {
      for (const waiter of waiters) waiter.reject(new Error(`catch-up ${name} stopped at position ${position}`));
      waiters.clear();
    });

  return {
    async stop() {
      stopping = true;
      signalStop();
      await done;
    },
    caughtUp(target) {
      if (position >= target) return Promise.resolve();
      if (stopping) return Promise.reject(new Error(`catch-up ${name} is stopped`));
      return new Promise((resolve, reject) => waiters.add({ position: target, resolve, reject }));
    },
    position: () => position,
  };
}

function sleep(ms: number, interrupt: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), interrupt]).finally(() =>
    clearTimeout(timer),
  );
}
