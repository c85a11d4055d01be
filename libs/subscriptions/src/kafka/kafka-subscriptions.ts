import { type EventStore, handleInPartitions } from '@ventana/event-store';
import type { SqlExecutor } from '@ventana/projections';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { RELAY_CHECKPOINT } from '../relay/relay';
import type { ProjectorSpec, ReactorSpec, Subscription, Subscriptions } from '../subscriptions';
import { decodeRecords } from './cloud-events';
import { ConsumerOffsets } from './consumer-offsets';
import { type KafkaSettings, ensureTopic } from './kafka-client';

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 5000;
const HEARTBEAT_MS = 1000;
const RESTART_DELAY_MS = 1000;

/**
 * The distributed adapter: one consumer group per subscriber on the relay's topic. Instances of a
 * service share the partitions; a rebalance or a crash replays from the last committed offset, and
 * what was already applied is recognised by its position and dropped.
 */
export class KafkaSubscriptions implements Subscriptions {
  private admin?: Promise<Admin>;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    /** Read for the relay's checkpoint: what has reached Kafka at all. */
    private readonly store: EventStore,
    private readonly log: Logger,
  ) {}

  react(spec: ReactorSpec): Subscription {
    const seen = new Map<number, number>(); // partition → last position handled
    return this.consume(
      spec,
      async (consumer, payload) => {
        const { batch } = payload;
        const events = beyond(decodeRecords(batch.messages, spec.types), seen.get(batch.partition) ?? 0);
        await this.retrying(spec, payload, () => handleInPartitions(events, (e) => spec.handle(e), spec.partitionBy));
        if (events.length > 0) seen.set(batch.partition, events[events.length - 1].position);
        await commit(consumer, payload, Number(batch.lastOffset()) + 1);
      },
      spec.onAssigned,
    );
  }

  project(spec: ProjectorSpec): Subscription {
    const offsets = new ConsumerOffsets(spec.db, spec.name, this.settings.topic);
    const ready = offsets.migrate();
    return this.consume(spec, async (consumer, payload) => {
      await ready;
      const { batch } = payload;
      const stored = await offsets.load(batch.partition);
      if (Number(batch.firstOffset()) > stored.nextOffset) {
        // Kafka's committed offset ran ahead of ours (a rewind, or a restored database): ours wins.
        consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(stored.nextOffset) });
        return;
      }
      const fresh = batch.messages.filter((m) => Number(m.offset) >= stored.nextOffset);
      const events = beyond(decodeRecords(fresh, spec.types), stored.lastPosition);
      const progress = {
        nextOffset: Number(batch.lastOffset()) + 1,
        lastPosition: Math.max(stored.lastPosition, events.at(-1)?.position ?? 0),
      };
      const save = (tx: SqlExecutor) => offsets.save(tx, batch.partition, progress);
      await this.retrying(spec, payload, async () => {
        if (events.length === 0) return spec.db.transaction(save);
        let committed = false;
        await spec.handle(events, (write) =>
          spec.db.transaction(async (tx) => {
            await write(tx);
            await save(tx);
            committed = true;
          }),
        );
        if (!committed) throw new Error(`projector ${spec.name} handled a batch without committing it`);
      });
      await commit(consumer, payload, progress.nextOffset);
    });
  }

  async rewind(tx: SqlExecutor, name: string): Promise<void> {
    await ConsumerOffsets.forget(tx, name);
  }

  /**
   * Starts a consumer for `spec` and returns its subscription; work begins in the background. A
   * consumer that crashes for good (kafkajs restarts only retriable crashes; losing the group
   * membership is not one) is replaced by a new one, which resumes from the committed offsets.
   */
  private consume(
    spec: ReactorSpec | ProjectorSpec,
    onBatch: (consumer: Consumer, payload: EachBatchPayload) => Promise<void>,
    onAssigned?: () => Promise<void>,
  ): Subscription {
    let stopping = false;
    const start = (): { consumer: Consumer; started: Promise<void> } => {
      const consumer = this.kafka.consumer({
        groupId: groupIdOf(this.settings.topic, spec.name),
        sessionTimeout: 10_000,
        rebalanceTimeout: 15_000,
        heartbeatInterval: HEARTBEAT_MS,
        maxWaitTimeInMs: 50,
        allowAutoTopicCreation: false,
      });
      // Work handed over by a rebalance waits until the instance has reloaded what it needs for it.
      let assigned: Promise<unknown> = Promise.resolve();
      if (onAssigned)
        consumer.on(consumer.events.GROUP_JOIN, () => (assigned = onAssigned().catch((error: unknown) => spec.onError?.(error, 0))));
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart || stopping) return;
        this.log.error({ err: payload.error, subscriber: spec.name }, 'consumer crashed; starting a new one');
        setTimeout(() => void (stopping || (current = start())), RESTART_DELAY_MS);
      });
      const started = (async () => {
        await ensureTopic(await this.adminClient(), this.settings);
        await consumer.connect();
        await consumer.subscribe({ topic: this.settings.topic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async (payload) => {
            await assigned;
            // A long batch (a backlog into a slow database) must not outlast the session and cost the group its member.
            const beating = setInterval(() => void payload.heartbeat().catch(() => undefined), HEARTBEAT_MS);
            try {
              await onBatch(consumer, payload);
            } finally {
              clearInterval(beating);
            }
          },
        });
      })();
      started.catch((error: unknown) => this.log.error({ err: error, subscriber: spec.name }, 'consumer failed to start'));
      return { consumer, started };
    };
    let current = start();
    return {
      stop: async () => {
        stopping = true;
        await current.started.catch(() => undefined);
        await current.consumer.disconnect(); // finishes the batch in hand, commits, leaves the group
      },
    };
  }

  /**
   * True once the relay has published the log up to `position` and the group has consumed every
   * partition up to where it ended then: whichever instance holds a partition, it is done with it.
   */
  async caughtUp(name: string, position: number, timeoutMs = 2000): Promise<boolean> {
    const groupId = groupIdOf(this.settings.topic, name);
    const deadline = Date.now() + timeoutMs;
    while ((await this.store.checkpoints.load(RELAY_CHECKPOINT)) < position) {
      if (Date.now() > deadline) return false;
      await sleep(20);
    }
    const admin = await this.adminClient();
    const ends = await admin.fetchTopicOffsets(this.settings.topic);
    for (;;) {
      const [group] = await admin.fetchOffsets({ groupId, topics: [this.settings.topic] });
      const done = new Map(group.partitions.map((p) => [p.partition, Number(p.offset)]));
      if (ends.every((end) => Number(end.high) === 0 || (done.get(end.partition) ?? -1) >= Number(end.high))) return true;
      if (Date.now() > deadline) return false;
      await sleep(20);
    }
  }

  /**
   * Events not yet in Kafka (the relay's checkpoint behind `head`) plus records the group has not
   * committed on any partition; a partition it never committed counts from the topic's first offset.
   */
  async behind(name: string, head: number): Promise<number> {
    const admin = await this.adminClient();
    const published = await this.store.checkpoints.load(RELAY_CHECKPOINT);
    const ends = await admin.fetchTopicOffsets(this.settings.topic);
    const [group] = await admin.fetchOffsets({ groupId: groupIdOf(this.settings.topic, name), topics: [this.settings.topic] });
    const committed = new Map(group.partitions.map((p) => [p.partition, Number(p.offset)]));
    const unconsumed = ends.reduce((sum, end) => {
      const from = committed.get(end.partition) ?? -1;
      return sum + Math.max(0, Number(end.high) - (from >= 0 ? from : Number(end.low)));
    }, 0);
    return Math.max(0, head - published) + unconsumed;
  }

  private adminClient(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }

  async close(): Promise<void> {
    if (this.admin) await (await this.admin).disconnect();
  }

  /** Runs `work` until it succeeds, backing off, and giving up only when the consumer stops (eachBatch heartbeats meanwhile). */
  private async retrying(
    spec: { name: string; onError?: (e: unknown, a: number) => void },
    payload: EachBatchPayload,
    work: () => Promise<void>,
  ) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!payload.isRunning() || payload.isStale()) throw error; // the batch goes to whoever owns it next
        (spec.onError ?? ((e) => this.log.error({ err: e, subscriber: spec.name }, 'handling a batch failed; retrying')))(error, attempt);
        await sleep(Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }
}

/** One group per subscriber and topic: several deployments (or test runs) may share a broker. */
export const groupIdOf = (topic: string, subscriber: string) => `${topic}.${subscriber}`;

/**
 * Moves the fetch position past the batch and commits it. Without `resolveOffset` (auto-resolve is
 * off), kafkajs would fetch from the old position again and again: committing alone does not move it.
 */
async function commit(consumer: Consumer, { batch, resolveOffset }: EachBatchPayload, nextOffset: number): Promise<void> {
  resolveOffset(String(nextOffset - 1));
  await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(nextOffset) }]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The events of a batch not handled yet: each one beyond `after` and beyond every event before it
 * in the batch. A relay that crashed before checkpointing publishes a stretch of the log again, so
 * one batch can hold the same positions twice (10, 11, 12, 10, 11); a partition's positions only
 * grow otherwise.
 */
function beyond<E extends { position: number }>(events: readonly E[], after: number): E[] {
  const fresh: E[] = [];
  let highest = after;
  for (const event of events) {
    if (event.position <= highest) continue;
    fresh.push(event);
    highest = event.position;
  }
  return fresh;
}
