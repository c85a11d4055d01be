import { startCatchUp, type CatchUp, type CatchUpOptions } from './catch-up';
import type { RecordedEvent } from './event';
import type { EventStore } from './event-store';

export interface ReactorOptions {
  /** Also the checkpoint name in `store.checkpoints`. */
  name: string;
  store: EventStore;
  handle: (event: RecordedEvent) => Promise<void>;
  /**
   * Events of one partition are handled in log order; different partitions concurrently, so a
   * batch's appends share one group commit. Without it, everything is handled in order.
   */
  partitionBy?: (event: RecordedEvent) => string;
  types?: readonly string[];
  batchSize?: number;
  idleWaitMs?: number;
  lingerMs?: number;
  onError?: CatchUpOptions['onError'];
  onAdvance?: CatchUpOptions['onAdvance'];
}

/**
 * Handles events one by one and saves its checkpoint after each handled batch.
 * At-least-once: a crash or a failure mid-batch replays the whole batch, so `handle` must be idempotent.
 */
export function startReactor({ name, store, handle, partitionBy, ...rest }: ReactorOptions): CatchUp {
  return startCatchUp({
    ...rest,
    name,
    store,
    startAfter: () => store.checkpoints.load(name),
    handle: async (batch) => {
      await handleInPartitions(batch, handle, partitionBy);
      await store.checkpoints.save(name, batch[batch.length - 1].position);
    },
  });
}

/** Handles each partition's events in order, the partitions side by side. */
export async function handleInPartitions(
  batch: readonly RecordedEvent[],
  handle: (event: RecordedEvent) => Promise<void>,
  partitionBy?: (event: RecordedEvent) => string,
): Promise<void> {
  if (!partitionBy) {
    for (const event of batch) await handle(event);
    return;
  }
  const partitions = new Map<string, RecordedEvent[]>();
  for (const event of batch) {
    const key = partitionBy(event);
    const events = partitions.get(key);
    if (events) events.push(event);
    else partitions.set(key, [event]);
  }
  await Promise.all(
    [...partitions.values()].map(async (events) => {
      for (const event of events) await handle(event);
    }),
  );
}
