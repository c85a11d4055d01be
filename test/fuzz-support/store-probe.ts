import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { countEvents } from '../support/data-dir';

/** What the fuzz reads from outside the running platform to show that rejected input changed nothing. */
export interface StoreProbe {
  eventCount(): Promise<number>;
  /** The correlation ids starting with `prefix` that some event in the store carries (a request's id is its events' correlation). */
  correlationIds(prefix: string): Promise<Set<string>>;
  /** Every row of every read model and of delivery's own state, in a canonical order. */
  readModels(): Promise<string[]>;
}

/** The embedded platform's SQLite files, through read-only connections. */
export function sqliteProbe(dataDir: string): StoreProbe {
  const withDb = <T>(file: string, read: (db: Database.Database) => T): T => {
    const db = new Database(join(dataDir, file), { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  return {
    eventCount: async () => countEvents(dataDir),
    correlationIds: async (prefix) =>
      withDb('events.db', (db) => {
        const rows = db
          .prepare(
            `SELECT DISTINCT json_extract(metadata, '$.correlationId') AS id FROM events WHERE json_extract(metadata, '$.correlationId') LIKE ? || '%'`,
          )
          .all(prefix) as { id: string }[];
        return new Set(rows.map((r) => r.id));
      }),
    readModels: async () =>
      ['read-models.db', 'delivery.db']
        .filter((file) => existsSync(join(dataDir, file)))
        .flatMap((file) =>
          withDb(file, (db) => {
            const tables = db
              .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
              .all() as { name: string }[];
            return tables.flatMap(({ name }) =>
              (db.prepare(`SELECT * FROM "${name}"`).all() as unknown[]).map((row) => `${file}/${name} ${JSON.stringify(row)}`).sort(),
            );
          }),
        ),
  };
}

/** The distributed deployment's PostgreSQL schema: the event store, the read models and delivery's tables. */
export function postgresProbe(databaseUrl: string): StoreProbe {
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    eventCount: async () => Number((await query<{ n: string }>('SELECT count(*) AS n FROM event_store_events'))[0].n),
    correlationIds: async (prefix) => {
      const rows = await query<{ id: string }>(
        `SELECT DISTINCT metadata->>'correlationId' AS id FROM event_store_events WHERE metadata->>'correlationId' LIKE $1 || '%'`,
        [prefix],
      );
      return new Set(rows.map((r) => r.id));
    },
    readModels: async () => {
      const tables = await query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'event_store_events' ORDER BY 1`,
      );
      const rows: string[] = [];
      for (const { name } of tables)
        rows.push(...(await query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`)).map((r) => `${name} ${r.row}`).sort());
      return rows;
    },
  };
}
