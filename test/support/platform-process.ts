import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { type RunningPlatform, startPlatform as startEmbedded } from '../../scripts/lib/platform-process';
import { type RunningTopology, type TopologyOptions, startTopology } from '../../scripts/lib/topology';
import { filesContaining } from './data-dir';
import { TEST_KAFKA_BROKERS, createTestSchema } from './infra';

export * from '../../scripts/lib/platform-process';

/** A running platform as the end-to-end tests see it. */
export interface TestPlatform extends RunningPlatform {
  /** Everywhere the platform keeps data at rest that holds `needle`: files, or tables and topics. */
  placesHolding(needle: string | Buffer): Promise<string[]>;
  restart(signal?: NodeJS.Signals): Promise<TestPlatform>;
}

/**
 * The platform a scenario talks to: the embedded default, or, with E2E_DEPLOYMENT=distributed (the
 * `distributed` Jest project), the whole distributed topology (every service its own process, Kafka,
 * PostgreSQL) behind its gateway: same API, same scenarios.
 */
export async function startPlatform(options: Parameters<typeof startEmbedded>[0] = {}): Promise<TestPlatform> {
  if (process.env.E2E_DEPLOYMENT !== 'distributed') return embedded(await startEmbedded(options));
  if (options.dataDir) throw new Error('a distributed platform has no DATA_DIR to restart on; use restart()');
  return startDistributed(options);
}

/** The distributed topology on a fresh PostgreSQL schema and Kafka topic, whatever E2E_DEPLOYMENT says. */
export async function startDistributed(
  options: { env?: Record<string, string>; keepLogs?: boolean; instances?: TopologyOptions['instances'] } = {},
): Promise<TestPlatform & { topology: RunningTopology }> {
  const schema = await createTestSchema('e2e');
  const { env, keepLogs, instances } = options;
  const topology = await startTopology({ databaseUrl: schema.url, kafkaBrokers: TEST_KAFKA_BROKERS, env, keepLogs, instances });
  return { ...distributed(topology, () => schema.drop()), topology };
}

function embedded(platform: RunningPlatform): TestPlatform {
  return {
    ...platform,
    placesHolding: async (needle) => filesContaining(platform.dataDir, needle),
    restart: async (signal) => embedded(await platform.restart(signal)),
  };
}

function distributed(topology: RunningTopology, dropSchema: () => Promise<void>): TestPlatform {
  return {
    ...topology,
    placesHolding: async (needle) => [...(await tablesHolding(topology.databaseUrl, needle)), ...(await topicHolding(topology.topic, needle))],
    restart: async (signal) => distributed(await topology.restart(signal), dropSchema),
    stop: async (signal) => {
      try {
        await topology.stop(signal);
      } finally {
        await dropSchema();
      }
    },
  };
}

/** The tables of the schema first on the URL's search path with a row holding `needle` in any column. */
async function tablesHolding(databaseUrl: string, needle: string | Buffer): Promise<string[]> {
  const bytes = typeof needle === 'string' ? Buffer.from(needle) : needle;
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    const found: string[] = [];
    for (const { name } of tables) {
      // Every column as text, bytea included (escape format keeps printable bytes as they are).
      const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
      if (rows.some((r) => Buffer.from(r.row).includes(bytes))) found.push(`table ${name}`);
    }
    return found;
  } finally {
    await client.end();
  }
}

/** `topic <name>` when any record of the topic (value, key or header) holds `needle`. */
async function topicHolding(topic: string, needle: string | Buffer): Promise<string[]> {
  const bytes = typeof needle === 'string' ? Buffer.from(needle) : needle;
  const kafka = new Kafka({ clientId: 'e2e-scan', brokers: TEST_KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const pending = new Map(ends.filter((p) => Number(p.high) > 0).map((p) => [p.partition, Number(p.high)]));
  if (pending.size === 0) return [];
  const consumer = kafka.consumer({ groupId: `e2e-scan-${Date.now()}-${Math.random()}` });
  let hit = false;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const parts = [message.value, message.key, ...Object.values(message.headers ?? {}).flat()];
            if (parts.some((part) => part !== undefined && part !== null && Buffer.from(part).includes(bytes))) hit = true;
            if (Number(message.offset) + 1 >= (pending.get(partition) ?? Infinity)) pending.delete(partition);
            if (pending.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return hit ? [`topic ${topic}`] : [];
}
