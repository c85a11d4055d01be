import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type EventStore, PostgresEventStore, SqliteEventStore } from '@ventana/event-store';
import { ALL_PROJECTIONS, PostgresDatabase, type SqlDatabase, SqliteDatabase } from '@ventana/projections';
import { storeCheckpoints } from '../apps/cli/src/replay/live-checkpoint';
import { replayIntoShadow } from '../apps/cli/src/replay/shadow-replay';
import { storeLog } from '../apps/cli/src/replay/store-log';
import { generateLog } from './generated-log';

/**
 * Replay rate: every projection rebuilt into shadow tables (and swapped in) from a generated log
 * of realistic message lifecycles, by the code `npm run cli -- replay --all --to-head` runs. Embedded:
 * SQLite files in a temporary directory; PostgreSQL: the store and the read models in a fresh schema.
 *
 * `npm run build && node dist/bench/replay.js [events]` (BENCH_DATABASE_URL for PostgreSQL; BENCH_REPLAY_SKIP_POSTGRES=1).
 */
export interface ReplayFigures {
  events: number;
  generate_seconds: number;
  replay_seconds: number;
  events_per_s: number;
  rows: Record<string, number>;
}

/**
 * The log is written by one store, closed, and replayed through a store opened afresh: `npm run cli
 * -- replay` is its own process and opens the log from disk, never the instance that wrote it.
 */
async function measure(
  openStore: () => Promise<EventStore>,
  db: SqlDatabase,
  events: number,
  log: (line: string) => void,
  engine: string,
): Promise<ReplayFigures> {
  log(`replay (${engine}): generating ${events} events through the store's append…`);
  const writer = await openStore();
  const generated = await generateLog(writer, { events }).finally(() => writer.close());
  log(
    `replay (${engine}): ${generated.events} events (${generated.messages} messages) in ${generated.seconds.toFixed(1)} s; replaying every projection…`,
  );
  const store = await openStore();
  try {
    const started = performance.now();
    const result = await replayIntoShadow({
      db,
      source: storeLog(store),
      projections: ALL_PROJECTIONS,
      checkpoint: storeCheckpoints(db.dialect),
      until: 'head',
    });
    const seconds = (performance.now() - started) / 1000;
    const rows: Record<string, number> = {};
    for (const table of ALL_PROJECTIONS.flatMap((p) => p.tables))
      rows[table] = Number((await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0);
    log(
      `replay (${engine}): ${result.eventsRead} events in ${seconds.toFixed(1)} s = ${Math.round(result.eventsRead / seconds)} events/s; rows ${JSON.stringify(rows)}`,
    );
    return {
      events: result.eventsRead,
      generate_seconds: round(generated.seconds, 1),
      replay_seconds: round(seconds, 2),
      events_per_s: Math.round(result.eventsRead / seconds),
      rows,
    };
  } finally {
    await store.close();
  }
}

export async function benchReplayEmbedded(events: number, log: (line: string) => void): Promise<ReplayFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
  // Generation is not what is measured: NORMAL spares it an fsync per group.
  const openStore = () => SqliteEventStore.open({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
  const db = new SqliteDatabase(join(dir, 'read-models.db'));
  try {
    return await measure(openStore, db, events, log, 'embedded');
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchReplayPostgres(serverUrl: string, events: number, log: (line: string) => void): Promise<ReplayFigures> {
  const schema = `bench_replay_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const openStore = () => PostgresEventStore.open({ connectionString: url.toString(), poolSize: 16 });
  const db = new PostgresDatabase(url.toString());
  try {
    return await measure(openStore, db, events, log, 'PostgreSQL');
  } finally {
    await db.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

if (require.main === module) {
  const events = Number(process.argv[2] ?? 1_000_000);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  void (async () => {
    const embedded = await benchReplayEmbedded(events, log);
    const postgres =
      process.env.BENCH_REPLAY_SKIP_POSTGRES === '1'
        ? undefined
        : await benchReplayPostgres(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', events, log);
    log(JSON.stringify({ embedded, postgres }, null, 2));
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
