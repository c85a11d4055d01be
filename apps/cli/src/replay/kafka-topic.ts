import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '@ventana/event-store';
import { RELAY_CHECKPOINT, decodeRecords, fromKafkaRecord, groupIdOf } from '@ventana/subscriptions';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Progress } from '../output/progress';
import { Cut, type PartitionStretch } from './cut';
import type { EventSource, ReadOptions, Stretch } from './event-source';

/** One partition's share of a read: the stretches' union there, and how far it has come. */
interface PartitionRead extends PartitionStretch {
  /** The next offset to take. */
  next: number;
  /** The partition's high watermark when the read began: no read waits for records published after it. */
  end: number;
  /** The highest position handed over: the relay's re-publications repeat lower ones. */
  highest: number;
  done: boolean;
}

interface Reading {
  partitions: Map<number, PartitionRead>;
  types: readonly string[];
  onPage: (page: RecordedEvent[]) => Promise<void>;
  progress?: Progress;
  handedOver: number;
  /** Records past a cut's end were still within its position (a rebuild to the head left the end behind). */
  pastEnd: boolean;
  settle(error?: unknown): void;
}

/**
 * The topic the distributed projectors consume, read as they read it: each partition in offset
 * order, re-publications dropped by position, decoded by the subscriptions' own CloudEvents
 * mapping. One consumer serves the whole replay, in a group of its own that never commits (the
 * live groups' offsets are not touched); between reads its partitions are paused, and each read
 * seeks the partitions it needs to where the earlier cuts end and stops at the target cuts' ends.
 */
export class KafkaTopic implements EventSource {
  readonly describe: string;
  private reading?: Reading;
  private crashed?: Error;

  private constructor(
    private readonly consumer: Consumer,
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly groupId: string,
    /** Read for the relay's checkpoint only: how much of the log has reached the topic. */
    private readonly store: EventStore,
  ) {
    this.describe = `Kafka topic ${topic}`;
  }

  static async open(kafka: Kafka, topic: string, store: EventStore): Promise<KafkaTopic> {
    const groupId = groupIdOf(topic, `cli-replay-${randomUUID()}`);
    // A page is applied while the consumer waits: a long one must not cost it its membership.
    const consumer = kafka.consumer({ groupId, sessionTimeout: 60_000, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    const source = new KafkaTopic(consumer, kafka.admin(), topic, groupId, store);
    try {
      await source.start();
    } catch (error) {
      await source.close().catch(() => undefined);
      throw error;
    }
    return source;
  }

  private async start(): Promise<void> {
    await this.admin.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return; // kafkajs starts it again; a restarted consumer's records before a read's position are skipped
      this.crashed = payload.error;
      this.reading?.settle(payload.error);
    });
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.onBatch(payload) });
  }

  /**
   * Every record below the partitions' high watermarks, up to the relay's checkpoint: a batch it
   * published without recording it is left to the projectors, which the rebuild sends back to
   * offset 0 past that checkpoint. The checkpoint is read first: what it confirms lies below the
   * watermarks read after it.
   */
  async head(): Promise<Cut> {
    const published = await this.store.checkpoints.load(RELAY_CHECKPOINT);
    const offsets = await this.admin.fetchTopicOffsets(this.topic);
    return Cut.atPosition(published, new Map(offsets.map((o) => [o.partition, Number(o.high)])));
  }

  async read(
    stretches: readonly Stretch[],
    { types, label }: ReadOptions,
    onPage: (page: RecordedEvent[]) => Promise<void>,
  ): Promise<void> {
    if (this.crashed) throw this.crashed;
    const partitions = await this.partitionsOf(stretches);
    const pending = [...partitions].filter(([, p]) => !p.done).map(([id]) => id);
    if (pending.length === 0) return;
    const total = [...partitions.values()].reduce((n, p) => n + Math.max(0, p.to - p.from), 0);
    const progress = label ? new Progress(label, total) : undefined;
    let settle!: (error?: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      settle = (error) => {
        this.reading = undefined;
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve();
      };
    });
    const reading: Reading = { partitions, types, onPage, progress, handedOver: 0, pastEnd: false, settle };
    this.reading = reading;
    try {
      for (const partition of pending)
        this.consumer.seek({ topic: this.topic, partition, offset: String(partitions.get(partition)!.next) });
      this.consumer.resume([{ topic: this.topic, partitions: pending }]);
      await finished;
      if (reading.pastEnd) await this.confirmPublished(Math.max(...[...partitions.values()].map((p) => p.through)));
    } finally {
      this.reading = undefined;
      progress?.stop();
    }
  }

  /** Per partition, the union of the stretches there; refused where the topic does not hold it (another topic, or retention). */
  private async partitionsOf(stretches: readonly Stretch[]): Promise<Map<number, PartitionRead>> {
    const union = new Map<number, PartitionStretch>();
    for (const { from, to } of stretches) {
      for (const [partition, s] of to.beyondOnTopic(from)) {
        const known = union.get(partition);
        union.set(
          partition,
          known ? { from: Math.min(known.from, s.from), to: Math.max(known.to, s.to), through: Math.max(known.through, s.through) } : s,
        );
      }
    }
    const offsets = await this.admin.fetchTopicOffsets(this.topic);
    const partitions = new Map<number, PartitionRead>();
    for (const [partition, s] of union) {
      const held = offsets.find((o) => o.partition === partition);
      const [low, high] = [Number(held?.low ?? 0), Number(held?.high ?? 0)];
      if (!held || low > s.from || high < s.to)
        throw new Error(
          `partition ${partition} of ${this.topic} holds offsets ${low} to ${high}, the replay needs ${s.from} to ${s.to}: not the topic the projectors consume?`,
        );
      partitions.set(partition, { ...s, next: s.from, end: high, highest: 0, done: s.from >= high });
    }
    return partitions;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    if (payload.isStale()) return; // fetched before this read's seek
    const { batch } = payload;
    const reading = this.reading;
    const partition = reading?.partitions.get(batch.partition);
    if (!reading || !partition || partition.done) {
      payload.pause(); // nothing to read here now
      return;
    }
    try {
      const page = fresh(partition, decodeRecords(take(partition, reading, batch.messages), reading.types));
      if (page.length > 0) await reading.onPage(page);
      reading.handedOver += page.length;
      reading.progress?.update(
        [...reading.partitions.values()].reduce((n, p) => n + Math.max(0, Math.min(p.next, p.to) - p.from), 0),
        reading.handedOver,
      );
      payload.resolveOffset(batch.lastOffset());
      if (partition.done) payload.pause();
      if ([...reading.partitions.values()].every((p) => p.done)) reading.settle();
      else await payload.heartbeat();
    } catch (error) {
      reading.settle(error);
    }
  }

  /** Past a cut's end the topic held less than the cut's position: only the relay's checkpoint tells whether the rest is still to come. */
  private async confirmPublished(through: number): Promise<void> {
    const published = await this.store.checkpoints.load(RELAY_CHECKPOINT);
    if (published < through)
      throw new Error(
        `the checkpoints include the log up to position ${through}, the relay has published it up to ${published}: ` +
          'a rebuild to the head the topic has not caught up with; let the relay catch up, or replay with --source store',
      );
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
    // A group that never committed holds nothing; the broker would drop it later anyway.
    await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
    await this.admin.disconnect();
  }
}

/** The batch's records this read wants: from where it is, to the cut's end, and past it only while still within the cut's position. */
function take(partition: PartitionRead, reading: Reading, messages: KafkaMessage[]): KafkaMessage[] {
  const taken: KafkaMessage[] = [];
  for (const message of messages) {
    const offset = Number(message.offset);
    if (offset < partition.next) continue; // a restarted consumer reads from the beginning again
    if (offset >= partition.to) {
      if (fromKafkaRecord(message.value, message.headers).position > partition.through) {
        partition.done = true;
        break;
      }
      reading.pastEnd = true;
    }
    taken.push(message);
    partition.next = offset + 1;
    if (partition.next >= partition.end) {
      partition.done = true;
      break;
    }
  }
  return taken;
}

/** Drops the relay's re-publications (positions already handed over), as the projectors do. */
function fresh(partition: PartitionRead, events: RecordedEvent[]): RecordedEvent[] {
  const page: RecordedEvent[] = [];
  for (const event of events) {
    if (event.position <= partition.highest) continue;
    partition.highest = event.position;
    page.push(event);
  }
  return page;
}
