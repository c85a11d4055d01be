/**
 * Everything that differs between the SQL engines, in one place. Projections and delivery state
 * are written once in portable SQL (see `sql-database.ts`); the few statements below are the
 * exceptions, chosen by `SqlDatabase.dialect`.
 */
export type SqlDialect = 'sqlite' | 'postgres';

export const Dialects = {
  /**
   * Serialises schema migrations across processes, taken first inside the migration's transaction.
   * SQLite: none needed, `BEGIN IMMEDIATE` already holds the database's only write lock.
   * PostgreSQL: a transaction-scoped advisory lock per schema (released at COMMIT/ROLLBACK), so two
   * processes starting together never both run `CREATE TABLE` (a race PostgreSQL reports as a
   * unique violation even with IF NOT EXISTS).
   */
  migrationLock(dialect: SqlDialect): string | undefined {
    return dialect === 'postgres' ? `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.schema_migrations'))` : undefined;
  },

  /**
   * Appended to the sub-select that picks rows to claim (`UPDATE … WHERE id IN (SELECT … ⟨here⟩)`).
   * PostgreSQL: concurrent claimers skip each other's rows instead of queueing on them. It is an
   * optimisation only: every claim repeats its condition on the outer UPDATE, which PostgreSQL
   * re-checks on the latest row version, so a row is never claimed twice either way.
   * SQLite: nothing; a statement holds the write lock from start to end.
   */
  skipLocked(dialect: SqlDialect): string {
    return dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  },
} as const;
