import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore, SqliteEventStore } from '@ventana/event-store';
import { ALL_PROJECTIONS, PostgresDatabase, ProjectionRunner, type SqlDatabase, SqliteDatabase } from '@ventana/projections';
import { StoreSubscriptions } from '@ventana/subscriptions';
import { createTestSchema } from '../support/infra';
import { type StoredEvent, tableDifferences } from './invariants';

/** Every event of an embedded DATA_DIR, read through a read-only connection (the platform may run). */
export function embeddedLog(dataDir: string): StoredEvent[] {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT type, stream, data FROM events ORDER BY position').all() as { type: string; stream: string; data: string }[]).map(
      (row) => ({ type: row.type, stream: row.stream, data: JSON.parse(row.data) }),
    );
  } finally {
    db.close();
  }
}

/** Every event of a distributed deployment's PostgreSQL store (the schema first on the URL's search path). */
export async function postgresLog(databaseUrl: string): Promise<StoredEvent[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<StoredEvent>('SELECT type, stream, data FROM event_store_events ORDER BY position');
    return rows;
  } finally {
    await client.end();
  }
}

/** `PRAGMA integrity_check` of every SQLite file of a DATA_DIR: 'ok' for each, or what is wrong. */
export function integrity(dataDir: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const file of ['events.db', 'read-models.db', 'delivery.db']) {
    const db = new Database(join(dataDir, file), { readonly: true, fileMustExist: true });
    try {
      result[file] = String(db.pragma('integrity_check', { simple: true }));
    } finally {
      db.close();
    }
  }
  return result;
}

/** Replays the whole log into an empty database and compares every projection table with the live one. */
async function rebuildAndCompare(open: { store: SqliteEventStore | PostgresEventStore; rebuilt: SqlDatabase; live: SqlDatabase }): Promise<string[]> {
  const { store, rebuilt, live } = open;
  const runner = new ProjectionRunner(rebuilt, store, new StoreSubscriptions(store), ALL_PROJECTIONS);
  await runner.start();
  try {
    for (let attempt = 0; !(await runner.upToDate()); attempt++) if (attempt > 60) return ['the rebuild did not catch up with the log'];
  } finally {
    await runner.stop();
  }
  const differences: string[] = [];
  for (const projection of ALL_PROJECTIONS) {
    for (const table of projection.tables) {
      differences.push(...tableDifferences(table, await live.all(`SELECT * FROM ${table}`), await rebuilt.all(`SELECT * FROM ${table}`)));
    }
  }
  return differences;
}

/** Embedded: on a stopped platform's DATA_DIR (or a copy of it). */
export async function embeddedRebuildDifferences(dataDir: string): Promise<string[]> {
  const store = await SqliteEventStore.open({ file: join(dataDir, 'events.db') });
  const live = new SqliteDatabase(join(dataDir, 'read-models.db'));
  const rebuilt = new SqliteDatabase(join(dataDir, `rebuilt-${Date.now()}.db`));
  try {
    return await rebuildAndCompare({ store, rebuilt, live });
  } finally {
    await rebuilt.close();
    await live.close();
    await store.close();
  }
}

/** Distributed: the live schema's read models against a rebuild into a scratch schema, from the same store. */
export async function postgresRebuildDifferences(databaseUrl: string): Promise<string[]> {
  const scratch = await createTestSchema('rebuild');
  const store = await PostgresEventStore.open({ connectionString: databaseUrl });
  const live = new PostgresDatabase(databaseUrl);
  const rebuilt = new PostgresDatabase(scratch.url);
  try {
    return await rebuildAndCompare({ store, rebuilt, live });
  } finally {
    await rebuilt.close();
    await live.close();
    await store.close();
    await scratch.drop();
  }
}
