import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordedEvent, SqliteEventStore } from '@ventana/event-store';
import { RELAY_CHECKPOINT, kafkaClient, toKafkaRecord } from '@ventana/subscriptions';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { TEST_KAFKA_BROKERS, describeWithKafka } from '../../../../test/support/infra';
import { Cut } from './cut';
import type { Stretch } from './event-source';
import { KafkaTopic } from './kafka-topic';

const event = (partition: number, position: number, type = 'MessageRequested'): RecordedEvent => ({
  id: `event-${position}`,
  type,
  data: { partition },
  schemaVersion: 1,
  streamName: `stream-${position}`,
  revision: 0,
  position,
  metadata: { time: '2026-01-01T00:00:00.000Z', correlationId: 'c', causationId: 'c' },
});

/** What the relay left on the topic, by partition and offset: positions, with a crash's re-publication of 3 and 5 on partition 0. */
const TOPIC = [
  [event(0, 1), event(0, 3), event(0, 5), event(0, 3), event(0, 5), event(0, 7)],
  [event(1, 2), event(1, 4, 'TemplateSubmitted'), event(1, 6)],
];
const TYPES = ['MessageRequested', 'TemplateSubmitted'];
const PUBLISHED = 7;

/** A projector's cut: per partition, its next offset and the last position it applied. */
const cut = (ends: number[], through: number[]) =>
  Cut.perPartition(
    new Map(through.map((position, partition) => [partition, position])),
    (e) => (e.data as { partition: number }).partition,
    new Map(ends.map((offset, partition) => [partition, offset])),
  );

describeWithKafka()('the Kafka topic as a replay source (real broker)', () => {
  const topic = `spec.replay.${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'kafka-topic-'));
  let kafka: Kafka;
  let store: SqliteEventStore;
  let source: KafkaTopic;

  beforeAll(async () => {
    kafka = kafkaClient(
      { brokers: TEST_KAFKA_BROKERS.split(','), clientId: 'kafka-topic-spec', topic, partitions: 2 },
      pino({ level: 'silent' }),
    );
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (const [partition, events] of TOPIC.entries())
      await producer.send({ topic, acks: -1, messages: events.map((e) => ({ ...toKafkaRecord(e, e.streamName), partition })) });
    await producer.disconnect();
    store = await SqliteEventStore.open({ file: join(dir, 'events.db') });
    await store.checkpoints.save(RELAY_CHECKPOINT, PUBLISHED);
    source = await KafkaTopic.open(kafka, topic, store);
  });

  afterAll(async () => {
    await source?.close();
    await store?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every event the source hands over, and those of them the stretches' cuts take (what a shadow applies). */
  async function read(stretches: Stretch[], types = TYPES) {
    const handed: RecordedEvent[] = [];
    await source.read(stretches, { types }, async (page) => void handed.push(...page));
    const taken = handed.filter((e) => stretches.some(({ from, to }) => to.includes(e) && !from.includes(e)));
    return { handed: handed.map((e) => e.position).sort(), taken: taken.map((e) => e.position).sort() };
  }

  it('reads each partition from the start exactly to the cut’s end, re-publications dropped, other types skipped', async () => {
    expect(await read([{ from: Cut.none, to: cut([1, 1], [1, 2]) }])).toEqual({ handed: [1, 2], taken: [1, 2] });
    expect(await read([{ from: Cut.none, to: cut([6, 3], [7, 6]) }])).toEqual({
      handed: [1, 2, 3, 4, 5, 6, 7],
      taken: [1, 2, 3, 4, 5, 6, 7],
    });
    expect((await read([{ from: Cut.none, to: cut([6, 3], [7, 6]) }], ['MessageRequested'])).handed).toEqual([1, 2, 3, 5, 6, 7]);
  });

  it('goes on from an earlier cut’s end, and reads back from the lowest one of several', async () => {
    const [early, middle, late] = [cut([1, 1], [1, 2]), cut([3, 2], [5, 4]), cut([6, 3], [7, 6])];
    // Past partition 0's offset 3 the records 3 and 5 come again: handed over, not taken (the earlier cut holds them).
    expect(await read([{ from: middle, to: late }])).toEqual({ handed: [3, 5, 6, 7], taken: [6, 7] });
    expect(await read([{ from: early, to: middle }])).toEqual({ handed: [3, 4, 5], taken: [3, 4, 5] });
    expect(
      await read([
        { from: middle, to: late },
        { from: early, to: late },
      ]),
    ).toEqual({ handed: [3, 4, 5, 6, 7], taken: [3, 4, 5, 6, 7] });
  });

  it('reads on past an end a rebuild to the head left behind its position, until a record passes the position', async () => {
    expect(await read([{ from: Cut.none, to: cut([0, 1], [5, 4]) }])).toEqual({ handed: [1, 2, 3, 4, 5], taken: [1, 2, 3, 4, 5] });
  });

  it('refuses a cut whose position the relay has not published yet', async () => {
    await expect(read([{ from: Cut.none, to: cut([0, 0], [9, 9]) }])).rejects.toThrow(
      'the checkpoints include the log up to position 9, the relay has published it up to 7',
    );
  });

  it('refuses offsets the topic does not hold', async () => {
    await expect(read([{ from: Cut.none, to: cut([10, 3], [7, 6]) }])).rejects.toThrow(
      `partition 0 of ${topic} holds offsets 0 to 6, the replay needs 0 to 10`,
    );
  });

  it('has for head every record below the high watermarks, up to the relay’s checkpoint', async () => {
    const head = await source.head();
    expect(head.highest).toBe(PUBLISHED);
    expect(await read([{ from: Cut.none, to: head }])).toEqual({ handed: [1, 2, 3, 4, 5, 6, 7], taken: [1, 2, 3, 4, 5, 6, 7] });
  });
});
