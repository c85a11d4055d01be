import { Dialects } from './dialect';
import type { SqlDatabase } from './sql-database';

/**
 * One step of a schema's history. Applied once, in its own transaction together with its record
 * in `schema_migrations`, so a later version can ALTER what an earlier one created. Statements are
 * portable SQL (see `sql-database.ts`); DDL is transactional on both engines.
 *
 * Version 1 of every schema uses `CREATE … IF NOT EXISTS`, so a database built before migrations
 * were recorded (same tables, no `schema_migrations`) adopts its history without error.
 */
export interface Migration {
  version: number;
  statements: readonly string[];
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  name TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (name, version))`;

/** Checks that versions are positive integers in strictly increasing order. */
function checked(name: string, migrations: readonly Migration[]): readonly Migration[] {
  migrations.forEach((migration, i) => {
    if (!Number.isInteger(migration.version) || migration.version < 1)
      throw new Error(`${name}: migration version ${migration.version} is not a positive integer`);
    if (i > 0 && migration.version <= migrations[i - 1].version)
      throw new Error(`${name}: migration versions must increase (${migrations[i - 1].version} then ${migration.version})`);
  });
  return migrations;
}

/**
 * Brings the schema called `name` up to its last migration: each migration not yet recorded runs
 * in its own transaction with its record (a failing one leaves no trace and stops the rest).
 * Safe when several processes start at once: on SQLite the transaction holds the write lock,
 * on PostgreSQL an advisory lock (dialect.ts); either way the applied versions are read under it.
 * Resolves with the versions it applied.
 */
export async function migrate(db: SqlDatabase, name: string, migrations: readonly Migration[]): Promise<number[]> {
  checked(name, migrations);
  const lock = Dialects.migrationLock(db.dialect);
  await db.transaction(async (tx) => {
    if (lock) await tx.one(lock);
    await tx.run(MIGRATIONS_TABLE);
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction(async (tx) => {
      if (lock) await tx.one(lock);
      const done = await tx.one(`SELECT version FROM schema_migrations WHERE name = ? AND version = ?`, [name, migration.version]);
      if (done) return false;
      for (const statement of migration.statements) await tx.run(statement);
      await tx.run(`INSERT INTO schema_migrations (name, version, applied_at) VALUES (?, ?, ?)`, [
        name,
        migration.version,
        new Date().toISOString(),
      ]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}

/** The versions of `name` recorded as applied, in order. */
export async function appliedMigrations(db: SqlDatabase, name: string): Promise<number[]> {
  const rows = await db.all<{ version: number }>(`SELECT version FROM schema_migrations WHERE name = ? ORDER BY version`, [name]);
  return rows.map((row) => row.version);
}
