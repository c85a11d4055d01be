import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** The one topic carrying the global log (default `ventana.events`). */
  topic: string;
  /** Partitions when the topic is created (default 6): the most instances of one service that can share work. */
  partitions: number;
}

export function kafkaSettings(env: NodeJS.ProcessEnv, clientId: string): KafkaSettings {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set (e.g. 127.0.0.1:9092)');
  return { brokers, clientId, topic: env.KAFKA_TOPIC ?? 'ventana.events', partitions: Number(env.KAFKA_PARTITIONS ?? 6) };
}

/** kafkajs behind one constructor, its logs routed to pino. */
export function kafkaClient(settings: KafkaSettings, log: Logger): Kafka {
  const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
    [logLevel.ERROR]: 'error',
    [logLevel.WARN]: 'warn',
    [logLevel.INFO]: 'info',
    [logLevel.DEBUG]: 'debug',
  };
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 200 },
    logCreator:
      () =>
      ({ namespace, level, log: entry }) => {
        const { message, ...extra } = entry;
        log[levels[level] ?? 'info']({ kafka: namespace, ...extra }, message);
      },
  });
}

/**
 * Creates the topic when it is missing. Retention is unlimited: the store stays the source of
 * truth, but keeping the whole log lets a projection be rebuilt from offset 0.
 */
export async function ensureTopic(admin: Admin, settings: KafkaSettings): Promise<number> {
  const existing = await admin.fetchTopicMetadata({ topics: [] });
  const found = existing.topics.find((t) => t.name === settings.topic);
  if (found) return found.partitions.length;
  await admin
    .createTopics({
      waitForLeaders: true,
      topics: [{ topic: settings.topic, numPartitions: settings.partitions, replicationFactor: -1, configEntries: [{ name: 'retention.ms', value: '-1' }] }],
    })
    .catch((error: unknown) => {
      // Another instance created it first: fine.
      if (!String(error).includes('already exists')) throw error;
    });
  const created = await admin.fetchTopicMetadata({ topics: [settings.topic] });
  return created.topics[0].partitions.length;
}

const defaultPartitioner = Partitioners.DefaultPartitioner();

/** Kafka's own (Java-compatible, murmur2) choice of partition for `key` among `count` partitions. */
export function partitionFor(key: string, count: number, topic: string): number {
  const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return defaultPartitioner({ topic, partitionMetadata, message: { key, value: null } });
}
