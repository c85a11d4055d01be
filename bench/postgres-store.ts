import { dumbo } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresEventStore } from '@ventana/event-store';
import { sampleEvent } from './anchors';

/**
 * The PostgreSQL event store against its peer, Emmett's PostgreSQL event store, on the same server,
 * measured the same way, each in a fresh database of its own, in alternating slices:
 * - appends/s: `concurrency` appenders, each on its own stream, one event (sampleEvent) per append,
 *   each with the exact expected revision, for `seconds` per store (after a short warm-up), with a
 *   pool of `concurrency` connections each;
 * - reads/s: events/s reading the whole global log from the start in pages of 500, the way a
 *   subscription catches up, pass after pass for `seconds` per store.
 * Emmett has no global-log read on its store object; its consumers pull with `readMessagesBatch`
 * (what `postgreSQLEventStoreMessageBatchPuller` calls), so that is what is measured for it.
 *
 * `npm run build && node dist/bench/postgres-store.js [seconds] [concurrency]` (BENCH_DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/test: a role that may CREATE DATABASE).
 */
export async function postgresStoreBench(opts: { connectionString: string; seconds: number; concurrency: number }): Promise<{
  ventana_appends_per_s: number;
  ventana_reads_per_s: number;
  emmett_appends_per_s: number;
  emmett_reads_per_s: number;
}> {
  const details = await postgresStoreBenchDetails(opts);
  return {
    ventana_appends_per_s: details.ventana.appendsPerS,
    ventana_reads_per_s: details.ventana.readsPerS,
    emmett_appends_per_s: details.emmett.appendsPerS,
    emmett_reads_per_s: details.emmett.readsPerS,
  };
}

export interface StoreFigures {
  appendsPerS: number;
  readsPerS: number;
  /** Events in the store's table after the append phase. */
  eventsInLog: number;
  /** One untimed full pass over the global log: events returned, and distinct event ids among them. */
  pass: { returned: number; distinct: number };
}

const PAGE = 500;

/** A store as the bench drives it. */
interface Subject {
  append(worker: number): Promise<void>;
  /** One page of the global log after `after` (undefined: from the start). */
  page(after: unknown): Promise<{ ids: string[]; last: unknown }>;
  count(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Both stores are driven in alternating slices (ventana, emmett, ventana, …), so whatever else the
 * machine does during the run weighs on both alike.
 */
export async function postgresStoreBenchDetails({
  connectionString,
  seconds,
  concurrency,
}: {
  connectionString: string;
  seconds: number;
  concurrency: number;
}): Promise<{ ventana: StoreFigures; emmett: StoreFigures }> {
  const rounds = Math.max(1, Math.min(5, Math.round(seconds)));
  const slice = seconds / rounds;
  const ventanaDb = await createDatabase(connectionString, 'bench_ventana');
  const emmettDb = await createDatabase(connectionString, 'bench_emmett');
  const subjects: Subject[] = [];
  try {
    subjects.push(await ventanaSubject(ventanaDb.url, concurrency), await emmettSubject(emmettDb.url, concurrency));
    const [ventana, emmett] = subjects;

    for (const subject of subjects) await appendLoad(Math.min(1, slice), concurrency, subject); // warm-up
    const appends = [new Rate(), new Rate()];
    for (let round = 0; round < rounds; round++) {
      for (const i of [0, 1]) appends[i].add(await appendLoad(slice, concurrency, subjects[i]));
    }

    // Reads, on settled tables (same maintenance for both).
    await vacuum(ventanaDb.url);
    await vacuum(emmettDb.url);
    const reads = [new Rate(), new Rate()];
    for (let round = 0; round < rounds; round++) {
      for (const i of [0, 1]) reads[i].add(await readLoad(slice, subjects[i]));
    }

    const figures = async (subject: Subject, i: number): Promise<StoreFigures> => ({
      appendsPerS: appends[i].perS(),
      readsPerS: reads[i].perS(),
      eventsInLog: await subject.count(),
      pass: await verifyPass(subject),
    });
    return { ventana: await figures(ventana, 0), emmett: await figures(emmett, 1) };
  } finally {
    for (const subject of subjects) await subject.close().catch(() => undefined);
    await ventanaDb.drop();
    await emmettDb.drop();
  }
}

async function ventanaSubject(url: string, concurrency: number): Promise<Subject> {
  const writer = await PostgresEventStore.open({ connectionString: url, poolSize: concurrency });
  const reader = await PostgresEventStore.open({ connectionString: url, poolSize: 1 });
  const revisions = new Array<number>(concurrency).fill(-1);
  return {
    async append(worker) {
      const expected = revisions[worker];
      const result = await writer.append(`bench-${worker}`, [sampleEvent(worker)], expected < 0 ? 'no_stream' : expected);
      revisions[worker] = result.nextExpectedRevision;
    },
    async page(after) {
      const events = await reader.readAll({ after: (after as number | undefined) ?? 0, limit: PAGE });
      return { ids: events.map((e) => e.id), last: events.at(-1)?.position ?? after };
    },
    count: () => countRows(url, 'SELECT count(*)::int AS n FROM event_store_events'),
    async close() {
      await writer.close();
      await reader.close();
    },
  };
}

async function emmettSubject(url: string, concurrency: number): Promise<Subject> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await store.schema.migrate();
  const reader = dumbo({ connectionString: url });
  const versions = new Array<bigint>(concurrency).fill(0n);
  return {
    async append(worker) {
      const { id: _id, ...event } = sampleEvent(worker); // Emmett assigns the message id itself
      const result = await store.appendToStream(`bench-${worker}`, [event], { expectedStreamVersion: versions[worker] });
      versions[worker] = result.nextExpectedStreamVersion;
    },
    async page(after) {
      const { messages, currentGlobalPosition } = await readMessagesBatch(
        reader.execute,
        after === undefined ? { from: 0n, batchSize: PAGE } : { after: after as bigint, batchSize: PAGE },
      );
      return { ids: messages.map((m) => m.metadata.messageId), last: messages.length > 0 ? currentGlobalPosition : after };
    },
    count: () => countRows(url, 'SELECT count(*)::int AS n FROM emt_messages'),
    async close() {
      await store.close();
      await pool.end().catch(() => undefined);
      await reader.close();
    },
  };
}

class Rate {
  private events = 0;
  private ms = 0;
  add({ events, ms }: { events: number; ms: number }) {
    this.events += events;
    this.ms += ms;
  }
  perS() {
    return this.ms > 0 ? this.events / (this.ms / 1000) : 0;
  }
}

/** `concurrency` appenders, each awaiting its own appends one at a time, for `seconds`. */
async function appendLoad(seconds: number, concurrency: number, subject: Subject): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  const end = started + seconds * 1000;
  let events = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < end) {
        await subject.append(worker);
        events++;
      }
    }),
  );
  return { events, ms: performance.now() - started };
}

/** Full passes over the log from the start, page by page, until `seconds` are up (at least one). */
async function readLoad(seconds: number, subject: Subject): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  let events = 0;
  do {
    let after: unknown = undefined;
    for (;;) {
      const { ids, last } = await subject.page(after);
      events += ids.length;
      if (ids.length < PAGE) break;
      after = last;
    }
  } while (performance.now() - started < seconds * 1000);
  return { events, ms: performance.now() - started };
}

async function verifyPass(subject: Subject): Promise<{ returned: number; distinct: number }> {
  const ids: string[] = [];
  let after: unknown = undefined;
  for (;;) {
    const page = await subject.page(after);
    ids.push(...page.ids);
    if (page.ids.length < PAGE) break;
    after = page.last;
  }
  return { returned: ids.length, distinct: new Set(ids).size };
}

async function withClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(connectionString: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withClient(connectionString, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(connectionString);
  url.pathname = `/${name}`;
  url.searchParams.delete('options');
  return {
    url: url.toString(),
    drop: () =>
      withClient(connectionString, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

const vacuum = (url: string) => withClient(url, (client) => client.query('VACUUM ANALYZE'));
const countRows = (url: string, sql: string) => withClient(url, async (client) => Number((await client.query(sql)).rows[0].n));

if (require.main === module) {
  const [seconds = '5', concurrency = '16'] = process.argv.slice(2);
  const connectionString = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  postgresStoreBenchDetails({ connectionString, seconds: Number(seconds), concurrency: Number(concurrency) })
    .then((figures) => {
      process.stdout.write(`${JSON.stringify({ seconds: Number(seconds), concurrency: Number(concurrency), ...figures }, null, 2)}\n`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
