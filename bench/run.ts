import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { startPlatform } from '../scripts/lib/platform-process';
import { sqliteAnchor, storeAppendRate } from './anchors';
import { type DistributedFigures, benchDistributed } from './distributed';
import { driveMessaging } from './drive';
import { benchExportEmbedded } from './export';
import { percentile } from './http-load';
import { type ReplayFigures, benchReplayEmbedded, benchReplayPostgres } from './replay';

/**
 * `npm run bench`: drives the embedded platform over HTTP from this separate process with
 * simulated devices, measures it against two anchors taken in the same run, and writes
 * bench/results/latest.json plus a readable table.
 */
const BUSINESSES = 40;
const CUSTOMERS = 1000;
const SUSTAINED_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const OFFERED_RATE = 1000;
const LATENCY_SECONDS = 10;
const ANCHOR_SECONDS = 3;
const CONCURRENCY = 64;
const EXPORT_CHARGES = 1_000_000;
const REPLAY_EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000);
// PostgreSQL replays 1,900–2,850 events/s here (six bench runs): a million would add six to nine minutes to the run.
const REPLAY_POSTGRES_EVENTS = Number(process.env.BENCH_REPLAY_POSTGRES_EVENTS ?? 100_000);

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  log('anchors: raw SQLite inserts and the embedded store, same row size, same durability (synchronous=FULL)…');
  const anchorSqlite = sqliteAnchor(ANCHOR_SECONDS);
  const storeAppend = await storeAppendRate(ANCHOR_SECONDS);

  const platform = await startPlatform({ env: { CLOCK: '', ADMIN_TOKEN: 'bench-operator' }, keepLogs: false,
    // BENCH_PROFILE=dir writes a CPU profile of the platform there (inspect with Chrome DevTools).
    nodeArgs: process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
  });
  try {
    log(`platform pid ${platform.pid} at ${platform.url}`);
    const figures = await driveMessaging({
      url: platform.url,
      adminToken: platform.adminToken,
      businesses: BUSINESSES,
      customers: CUSTOMERS,
      messages: SUSTAINED_MESSAGES,
      offeredRate: OFFERED_RATE,
      latencySeconds: LATENCY_SECONDS,
      anchorSeconds: ANCHOR_SECONDS,
      concurrency: CONCURRENCY,
      log,
    });
    const { e2eRate, latencies } = figures;
    const edgeRps = figures.edgeRps!;
    const anchorHttp = figures.anchorHttpRps!;
    const peakRssMb = peakRss(platform.pid);
    await platform.stop();
    // BENCH_SKIP_DISTRIBUTED=1: the embedded figures alone (quicker, while working on them).
    const distributed = process.env.BENCH_SKIP_DISTRIBUTED === '1' ? { skipped: 'BENCH_SKIP_DISTRIBUTED=1' } : await distributedFigures();
    const exported = await benchExportEmbedded(EXPORT_CHARGES, log);
    const replayEmbedded = await benchReplayEmbedded(REPLAY_EVENTS, log);
    const replayPostgres: ReplayFigures | { skipped: string } =
      'skipped' in distributed ? distributed : await benchReplayPostgres(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', REPLAY_POSTGRES_EVENTS, log);
    const results = {
      e2e_messages_per_s: round(e2eRate),
      p50_send_ms: round(percentile(latencies, 50), 2),
      p99_send_ms: round(percentile(latencies, 99), 2),
      peak_rss_mb: round(peakRssMb),
      store_append_events_per_s: round(storeAppend),
      anchor_sqlite_rows_per_s: round(anchorSqlite),
      edge_rps: round(edgeRps),
      anchor_http_rps: round(anchorHttp),
      export_charges_1m_s: exported.seconds,
      export_charges_per_s: exported.charges_per_s,
      export_peak_rss_mb: exported.peak_rss_mb,
      // RSS of the export's process as it goes: flat memory means these agree.
      export_rss_mb_at_100k: exported.rss_mb_at[100_000],
      export_rss_mb_at_500k: exported.rss_mb_at[500_000],
      export_rss_mb_at_1m: exported.rss_mb_at[1_000_000],
      replay_events: replayEmbedded.events,
      replay_embedded_events_per_s: replayEmbedded.events_per_s,
      replay_postgres_events_per_s: 'skipped' in replayPostgres ? null : replayPostgres.events_per_s,
    };
    const report = {
      ...results,
      store_vs_anchor: round(storeAppend / anchorSqlite, 3),
      edge_vs_anchor: round(edgeRps / anchorHttp, 3),
      bars: {
        e2e_at_least_2000_per_s: results.e2e_messages_per_s >= 2000,
        p99_at_most_50_ms_at_1000_per_s: results.p99_send_ms <= 50,
        rss_at_most_512_mb: results.peak_rss_mb <= 512,
        replay_embedded_at_least_50000_per_s: results.replay_embedded_events_per_s >= 50_000,
        export_rss_flat_within_10pct_from_100k_to_1m: results.export_rss_mb_at_1m <= 1.1 * results.export_rss_mb_at_100k,
        ...('skipped' in distributed
          ? {}
          : {
              relay_at_least_25pct_of_producer_perf: distributed.relay_events_per_s >= 0.25 * distributed.anchor_producer_records_per_s,
              pg_store_appends_at_least_emmett: distributed.pg_store_appends_per_s >= distributed.emmett_appends_per_s,
              pg_store_reads_at_least_emmett: distributed.pg_store_reads_per_s >= distributed.emmett_reads_per_s,
            }),
      },
      setup: { businesses: BUSINESSES, customers: CUSTOMERS, sustained_messages: SUSTAINED_MESSAGES, offered_rate: OFFERED_RATE, latency_seconds: LATENCY_SECONDS, concurrency: CONCURRENCY, export_charges: EXPORT_CHARGES, cores: cpus().length, node: process.version },
      distributed,
      replay: { embedded: replayEmbedded, postgres: replayPostgres },
      measured_at: new Date().toISOString(),
    };
    mkdirSync(join('bench', 'results'), { recursive: true });
    writeFileSync(join('bench', 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    printTable(report);
  } finally {
    await platform.stop();
  }
}

/** The distributed figures when Kafka and PostgreSQL answer (`npm run infra:up`); otherwise why not. */
async function distributedFigures(): Promise<DistributedFigures | { skipped: string }> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const kafkaBrokers = process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:9092';
  const pgUrl = new URL(serverUrl);
  for (const [engine, host, port] of [['PostgreSQL', pgUrl.hostname, Number(pgUrl.port || 5432)], ['Kafka', ...kafkaBrokers.split(',')[0].split(':')]] as const) {
    if (!(await answers(String(host), Number(port)))) {
      log(`distributed: skipped, ${engine} does not answer at ${host}:${port} (npm run infra:up)`);
      return { skipped: `${engine} does not answer at ${host}:${port}` };
    }
  }
  return benchDistributed({
    serverUrl,
    kafkaBrokers,
    messages: Number(process.env.BENCH_DISTRIBUTED_MESSAGES ?? 5000),
    relayEvents: Number(process.env.BENCH_RELAY_EVENTS ?? 50_000),
    log,
  });
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Peak resident set (VmHWM) of the platform process, in MB. */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

function printTable(r: Record<string, any>) {
  const rows: [string, string, string][] = [
    ['end-to-end messages/s (send→delivered→charged)', String(r.e2e_messages_per_s), 'bar ≥ 2000'],
    [`send latency p50 at ${OFFERED_RATE}/s (ms)`, String(r.p50_send_ms), ''],
    [`send latency p99 at ${OFFERED_RATE}/s (ms)`, String(r.p99_send_ms), 'bar ≤ 50'],
    ['platform peak RSS (MB)', String(r.peak_rss_mb), 'bar ≤ 512'],
    ['store appends/s (1 event per append)', String(r.store_append_events_per_s), `${(r.store_vs_anchor * 100).toFixed(1)}% of anchor`],
    ['anchor: raw SQLite rows/s (1 row per tx)', String(r.anchor_sqlite_rows_per_s), ''],
    ['edge: send endpoint requests/s', String(r.edge_rps), `${(r.edge_vs_anchor * 100).toFixed(1)}% of anchor`],
    ['anchor: bare node:http 202 requests/s', String(r.anchor_http_rps), ''],
    [`replay: every projection from ${r.replay_events} events, embedded (events/s)`, String(r.replay_embedded_events_per_s), 'bar ≥ 50000'],
    [`replay: the same on PostgreSQL, ${REPLAY_POSTGRES_EVENTS} events (events/s)`, String(r.replay_postgres_events_per_s ?? 'skipped'), ''],
    ['export: 1M charges to CSV (s)', String(r.export_charges_1m_s), `${r.export_charges_per_s} charges/s`],
    ['export: peak RSS of its process (MB)', String(r.export_peak_rss_mb), `at 100k / 500k / 1M charges: ${r.export_rss_mb_at_100k} / ${r.export_rss_mb_at_500k} / ${r.export_rss_mb_at_1m}`],
  ];
  const w = Math.max(...rows.map((x) => x[0].length));
  log('');
  for (const [name, value, note] of rows) log(`${name.padEnd(w)}  ${value.padStart(9)}  ${note}`);
  const d = r.distributed as DistributedFigures | { skipped: string };
  if ('skipped' in d) log(`\ndistributed: skipped (${d.skipped})`);
  else {
    const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)}% of anchor`;
    const drows: [string, string, string][] = [
      ['distributed end-to-end messages/s', String(d.e2e_messages_per_s), ''],
      [`relay events/s to Kafka (${d.record_bytes}-byte records)`, String(d.relay_events_per_s), `${pct(d.relay_events_per_s, d.anchor_producer_records_per_s)} (bar ≥ 25%)`],
      ['anchor: Kafka ProducerPerformance records/s', String(d.anchor_producer_records_per_s), ''],
      ['projections: events/s consumed into PostgreSQL', String(d.projection_events_per_s), pct(d.projection_events_per_s, d.anchor_consumer_records_per_s)],
      ['anchor: Kafka ConsumerPerformance records/s', String(d.anchor_consumer_records_per_s), ''],
      ['PostgreSQL store appends/s', String(d.pg_store_appends_per_s), `Emmett ${d.emmett_appends_per_s} (bar: ≥ Emmett)`],
      ['PostgreSQL store global-log reads/s', String(d.pg_store_reads_per_s), `Emmett ${d.emmett_reads_per_s} (bar: ≥ Emmett)`],
    ];
    log('');
    for (const [name, value, note] of drows) log(`${name.padEnd(w)}  ${value.padStart(9)}  ${note}`);
  }
  log(`\nbars met: ${JSON.stringify(r.bars)}\nwritten: bench/results/latest.json`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
