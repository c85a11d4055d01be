import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Kafka's own ProducerPerformance / ConsumerPerformance against the broker of infra/kafka
 * (start it with `bash infra/kafka/start.sh`), through infra/kafka/perf.sh.
 * Run directly: `node dist/bench/kafka-perf.js [records] [record-size] [topic]`.
 */
export interface KafkaPerfOptions {
  topic: string;
  records: number;
  recordSize: number;
}
export interface KafkaPerfResult {
  recordsPerSecond: number;
  mbPerSecond: number;
}

const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092';
// bench/ when run by ts tooling, dist/bench/ once compiled.
const ROOT = [resolve(__dirname, '..'), resolve(__dirname, '../..')].find((dir) => existsSync(join(dir, 'infra/kafka/perf.sh')));

async function ensureTopic(topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'kafka-perf', brokers: [BOOTSTRAP], logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
    }
  } finally {
    await admin.disconnect();
  }
}

async function perf(mode: 'producer' | 'consumer', opts: KafkaPerfOptions): Promise<string> {
  if (!ROOT) throw new Error('infra/kafka/perf.sh not found next to bench/');
  await ensureTopic(opts.topic);
  const args = [join(ROOT, 'infra/kafka/perf.sh'), mode, opts.topic, String(opts.records), String(opts.recordSize)];
  const { stdout } = await promisify(execFile)('bash', args, {
    cwd: ROOT,
    maxBuffer: 16 << 20,
    env: { ...process.env, KAFKA_BOOTSTRAP: BOOTSTRAP },
  });
  return stdout;
}

/** `N records sent, R records/sec (M MB/sec), … 50th, …`: the final summary line. */
export async function producerPerformance(opts: KafkaPerfOptions): Promise<KafkaPerfResult> {
  const stdout = await perf('producer', opts);
  const summary = stdout.split('\n').find((line) => line.includes('50th'));
  const match = summary?.match(/records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/);
  if (!match) throw new Error(`unexpected ProducerPerformance output:\n${stdout}`);
  return { recordsPerSecond: Number(match[1]), mbPerSecond: Number(match[2]) };
}

/** A CSV header (`…, MB.sec, …, nMsg.sec, …`) and one line of values; overall rates, rebalance included. */
export async function consumerPerformance(opts: KafkaPerfOptions): Promise<KafkaPerfResult> {
  const stdout = await perf('consumer', opts);
  const lines = stdout.split('\n').map((line) => line.split(',').map((cell) => cell.trim()));
  const header = lines.findIndex((cells) => cells.includes('nMsg.sec'));
  const values = lines[header + 1];
  if (header < 0 || !values || values.length !== lines[header].length) throw new Error(`unexpected ConsumerPerformance output:\n${stdout}`);
  const column = (name: string) => Number(values[lines[header].indexOf(name)]);
  return { recordsPerSecond: column('nMsg.sec'), mbPerSecond: column('MB.sec') };
}

if (require.main === module) {
  const [records = 200_000, recordSize = 300] = process.argv.slice(2, 4).map(Number);
  const opts = { topic: process.argv[4] ?? `kafka-perf-${Date.now()}`, records, recordSize };
  void (async () => {
    const produced = await producerPerformance(opts);
    process.stdout.write(
      `producer ${opts.records} x ${opts.recordSize} B: ${produced.recordsPerSecond.toFixed(0)} records/s, ${produced.mbPerSecond.toFixed(2)} MB/s\n`,
    );
    const consumed = await consumerPerformance(opts);
    process.stdout.write(
      `consumer ${opts.records} x ${opts.recordSize} B: ${consumed.recordsPerSecond.toFixed(0)} records/s, ${consumed.mbPerSecond.toFixed(2)} MB/s\n`,
    );
  })().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
