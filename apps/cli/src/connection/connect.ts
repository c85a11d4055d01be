import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type EventStore, EventStoreDbEventStore, PostgresEventStore, SqliteEventStore } from '@ventana/event-store';
import { PostgresDatabase, type SqlDatabase, SqliteDatabase } from '@ventana/projections';
import { type KafkaSettings, kafkaClient, kafkaSettings } from '@ventana/subscriptions';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
// Deep imports: the platform's index loads NestJS (two seconds), which a command line does not need.
import { type PlatformConfig, readConfig } from '../../../../libs/platform/src/runtime/config';
import { createLogger } from '../../../../libs/platform/src/logging/logger';

/** The deployment the environment names, as the platform itself reads it (DATA_DIR, or EVENT_STORE, DATABASE_URL, KAFKA_BROKERS). */
export interface Deployment {
  config: PlatformConfig;
  store: EventStore;
  readModels: SqlDatabase;
  /** Distributed only: the broker the projectors consume, and its settings. */
  kafka?: { client: Kafka; settings: KafkaSettings };
  /** Where this is, in words, for the output. */
  describe: string;
  close(): Promise<void>;
}

/**
 * Opens the adapters of the running (or stopped) platform beside it: a second SQLite connection
 * per file (WAL lets it read while the platform writes; it never checkpoints the event store, the
 * platform does), or new pools on the distributed engines.
 */
export async function connect(env: NodeJS.ProcessEnv = process.env): Promise<Deployment> {
  const config = readConfig(env);
  if (config.deployment === 'embedded') {
    const events = join(config.dataDir, 'events.db');
    if (!existsSync(events)) throw new Error(`no event store at ${events} (set DATA_DIR to the platform's data directory)`);
    const store = await SqliteEventStore.open({ file: events, walCheckpoints: false });
    // Replays write much into the read models; when the platform is stopped nobody else would checkpoint their WAL.
    const readModels = new SqliteDatabase(join(config.dataDir, 'read-models.db'), { walCheckpoints: true });
    return {
      config,
      store,
      readModels,
      describe: `embedded, ${config.dataDir}`,
      close: async () => {
        await readModels.close();
        await store.close();
      },
    };
  }
  const store = await openStore(config);
  const readModels = new PostgresDatabase(config.databaseUrl!);
  const settings = kafkaSettings(env, 'ventana-cli');
  // Broker warnings go to stderr: stdout carries the command's output (--json).
  const client = kafkaClient(settings, createLogger('cli', pino.destination({ dest: 2, sync: true })));
  return {
    config,
    store,
    readModels,
    kafka: { client, settings },
    describe: `distributed, ${config.eventStore} store, read models in PostgreSQL, Kafka topic ${settings.topic}`,
    close: async () => {
      await readModels.close();
      await store.close();
    },
  };
}

function openStore(config: PlatformConfig): Promise<EventStore> {
  if (config.eventStore === 'eventstoredb') return EventStoreDbEventStore.open({ connectionString: config.eventStoreUrl! });
  if (config.eventStore === 'postgres') return PostgresEventStore.open({ connectionString: config.databaseUrl! });
  return SqliteEventStore.open({ file: join(config.dataDir, 'events.db'), walCheckpoints: false });
}
