import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import { PostgresEventStore } from '@ventana/event-store';
import { ALL_PROJECTIONS, PostgresDatabase, ProjectionRunner } from '@ventana/projections';
import { KafkaSubscriptions, Relay, RELAY_CHECKPOINT, kafkaClient, toKafkaRecord } from '@ventana/subscriptions';
import { startTopology } from '../scripts/lib/topology';
import { sampleEvent } from './anchors';
import { driveMessaging } from './drive';
import { consumerPerformance, producerPerformance } from './kafka-perf';
import { closedLoop } from './http-load';
import { postgresStoreBench } from './postgres-store';

/**
 * The distributed deployment's figures, each beside its anchor measured in the same run: the
 * topology end to end; the relay against Kafka's ProducerPerformance; projection consumption
 * against ConsumerPerformance; the PostgreSQL store against Emmett's on the same server.
 */
export interface DistributedFigures {
  e2e_messages_per_s: number;
  relay_events_per_s: number;
  anchor_producer_records_per_s: number;
  projection_events_per_s: number;
  anchor_consumer_records_per_s: number;
  pg_store_appends_per_s: number;
  pg_store_reads_per_s: number;
  emmett_appends_per_s: number;
  emmett_reads_per_s: number;
  record_bytes: number;
  relayed_events: number;
}

const quiet = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchDistributed(o: {
  serverUrl: string;
  kafkaBrokers: string;
  messages: number;
  relayEvents: number;
  log: (line: string) => void;
}): Promise<DistributedFigures> {
  const { log } = o;

  log('distributed: PostgreSQL store against Emmett’s, same server, alternating slices…');
  const store = await postgresStoreBench({ connectionString: o.serverUrl, seconds: 3, concurrency: 16 });

  const relay = await withDatabase(o.serverUrl, (url) => benchRelayAndProjections(url, o.kafkaBrokers, o.relayEvents, log));

  log(`distributed: the topology end to end (${o.messages} messages through the gateway)…`);
  const e2e = await withDatabase(o.serverUrl, async (databaseUrl) => {
    const topology = await startTopology({ databaseUrl, kafkaBrokers: o.kafkaBrokers, env: { CLOCK: '', ADMIN_TOKEN: 'bench-operator' }, keepLogs: false });
    try {
      return await driveMessaging({
        url: topology.url,
        adminToken: topology.adminToken,
        businesses: 20,
        customers: 400,
        messages: o.messages,
        offeredRate: 200,
        latencySeconds: 0,
        anchorSeconds: 0,
        concurrency: 32,
        skipEdge: true,
        log: (line) => log(`  ${line}`),
      });
    } finally {
      await topology.stop();
    }
  });

  return {
    e2e_messages_per_s: Math.round(e2e.e2eRate),
    ...relay,
    pg_store_appends_per_s: Math.round(store.ventana_appends_per_s),
    pg_store_reads_per_s: Math.round(store.ventana_reads_per_s),
    emmett_appends_per_s: Math.round(store.emmett_appends_per_s),
    emmett_reads_per_s: Math.round(store.emmett_reads_per_s),
  };
}

/** Fills a PostgreSQL store, times the relay publishing it, then the projections consuming it; each beside Kafka's own tool. */
async function benchRelayAndProjections(databaseUrl: string, kafkaBrokers: string, events: number, log: (line: string) => void) {
  const store = await PostgresEventStore.open({ connectionString: databaseUrl, poolSize: 16 });
  const topic = `bench.relay.${randomBytes(4).toString('hex')}`;
  const settings = { brokers: kafkaBrokers.split(','), clientId: 'bench', topic, partitions: 6 };
  try {
    log(`distributed: ${events} events into the PostgreSQL store, then the relay publishes them to ${topic}…`);
    await closedLoop(events, 16, async (i) => {
      const e = sampleEvent(i);
      await store.append(`message-${e.data.messageId}`, [{ ...e, data: { ...e.data, at: e.metadata.time } }], 'no_stream');
    });
    const head = await store.headPosition();
    const relay = new Relay({ store, kafka: kafkaClient(settings, quiet), settings, leaseDatabaseUrl: databaseUrl, log: quiet });
    const relayStart = performance.now();
    relay.start();
    while ((await store.checkpoints.load(RELAY_CHECKPOINT)) < head) await sleep(20);
    const relaySeconds = (performance.now() - relayStart) / 1000;
    await relay.stop();

    log('distributed: the four projections consume the topic into PostgreSQL…');
    const db = new PostgresDatabase(databaseUrl);
    const subscriptions = new KafkaSubscriptions(kafkaClient(settings, quiet), settings, store, quiet);
    const runner = new ProjectionRunner(db, store, subscriptions, ALL_PROJECTIONS);
    const projectStart = performance.now();
    await runner.start();
    while (!(await runner.caughtUp(head, 1000))) await sleep(20);
    const projectSeconds = (performance.now() - projectStart) / 1000;
    await runner.stop();
    await subscriptions.close();
    await db.close();

    const sample = sampleEvent(0);
    const record = toKafkaRecord({ ...sample, schemaVersion: 1, streamName: `message-${sample.data.messageId}`, revision: 0, position: head }, 'k');
    const recordBytes = record.value.length + Object.entries(record.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
    log(`distributed: anchors — ProducerPerformance and ConsumerPerformance, ${events} records of ${recordBytes} bytes…`);
    const anchorTopic = `bench.anchor.${randomBytes(4).toString('hex')}`;
    const producer = await producerPerformance({ topic: anchorTopic, records: events, recordSize: recordBytes });
    const consumer = await consumerPerformance({ topic: anchorTopic, records: events, recordSize: recordBytes });
    return {
      relay_events_per_s: Math.round(events / relaySeconds),
      anchor_producer_records_per_s: Math.round(producer.recordsPerSecond),
      projection_events_per_s: Math.round(events / projectSeconds),
      anchor_consumer_records_per_s: Math.round(consumer.recordsPerSecond),
      record_bytes: recordBytes,
      relayed_events: events,
    };
  } finally {
    await store.close();
  }
}

/** Runs `work` against a fresh database on the server, dropped afterwards. */
async function withDatabase<T>(serverUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `ventana_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}
