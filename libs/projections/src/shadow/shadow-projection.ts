import type { RecordedEvent } from '@ventana/event-store';
import type { Projection } from '../projection';
import type { SqlDialect } from '../sql/dialect';
import type { SqlDatabase, SqlExecutor } from '../sql/sql-database';
import { SHADOW_SUFFIX, shadowName, toShadowSql } from './shadow-sql';

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  name TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (name, version))`;

/**
 * A projection rebuilt beside its live tables: the same schema and the same `apply`, aimed at
 * shadow tables (`charges__shadow`, …) in the same database, then swapped in by renaming, inside
 * the caller's transaction. Live reads go on against the live tables until that commit.
 */
export class ShadowProjection {
  private readonly rewritten = new Map<string, string>();

  constructor(readonly projection: Projection) {}

  get name(): string {
    return this.projection.name;
  }

  /** Drops what an interrupted rebuild left, then creates empty shadow tables from every migration. */
  async create(db: SqlDatabase): Promise<void> {
    await db.transaction(async (tx) => {
      for (const table of this.projection.tables) await tx.run(`DROP TABLE IF EXISTS ${shadowName(table)}`);
      for (const migration of this.projection.migrations) for (const statement of migration.statements) await tx.run(this.toShadow(statement));
    });
  }

  async drop(db: SqlDatabase): Promise<void> {
    await db.transaction(async (tx) => {
      for (const table of this.projection.tables) await tx.run(`DROP TABLE IF EXISTS ${shadowName(table)}`);
    });
  }

  /** Applies `event` to the shadow tables, inside `tx`: the projection's own code, its statements redirected. */
  apply(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
    return this.projection.apply(this.redirect(tx), event);
  }

  /**
   * Inside `tx`: the shadow tables become the live ones (the live ones are dropped) and their
   * indexes take the live names; the schema history records every migration the shadow ran.
   */
  async swapIn(tx: SqlExecutor, dialect: SqlDialect): Promise<void> {
    for (const table of this.projection.tables) {
      if (dialect === 'sqlite') await swapSqlite(tx, table);
      else await swapPostgres(tx, table);
    }
    await tx.run(MIGRATIONS_TABLE);
    for (const { version } of this.projection.migrations) {
      await tx.run(`INSERT INTO schema_migrations (name, version, applied_at) VALUES (?, ?, ?) ON CONFLICT (name, version) DO NOTHING`, [
        this.projection.name,
        version,
        new Date().toISOString(),
      ]);
    }
  }

  private toShadow(sql: string): string {
    let shadow = this.rewritten.get(sql);
    if (shadow === undefined) {
      shadow = toShadowSql(sql, this.projection.tables);
      this.rewritten.set(sql, shadow);
    }
    return shadow;
  }

  private redirect(tx: SqlExecutor): SqlExecutor {
    return {
      run: (sql, params) => tx.run(this.toShadow(sql), params),
      one: (sql, params) => tx.one(this.toShadow(sql), params),
      all: (sql, params) => tx.all(this.toShadow(sql), params),
    };
  }
}

/** SQLite cannot rename an index: the shadow's are dropped and created again under the live names. */
async function swapSqlite(tx: SqlExecutor, table: string): Promise<void> {
  const indexes = await tx.all<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, [
    shadowName(table),
  ]);
  await tx.run(`DROP TABLE IF EXISTS ${table}`);
  await tx.run(`ALTER TABLE ${shadowName(table)} RENAME TO ${table}`);
  for (const index of indexes) {
    await tx.run(`DROP INDEX ${index.name}`);
    await tx.run(index.sql.split(SHADOW_SUFFIX).join(''));
  }
}

/** PostgreSQL renames indexes (the primary key's too), so the swap moves no data at all. */
async function swapPostgres(tx: SqlExecutor, table: string): Promise<void> {
  await tx.run(`DROP TABLE IF EXISTS ${table}`);
  await tx.run(`ALTER TABLE ${shadowName(table)} RENAME TO ${table}`);
  const indexes = await tx.all<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?`, [table]);
  for (const { name } of indexes) {
    if (name.includes(SHADOW_SUFFIX)) await tx.run(`ALTER INDEX "${name}" RENAME TO "${name.split(SHADOW_SUFFIX).join('')}"`);
  }
}
