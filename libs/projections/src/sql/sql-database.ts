import type { SqlDialect } from './dialect';

/**
 * The read-model database port: plain SQL with `?` placeholders, JSON kept as text, upserts as
 * `INSERT … ON CONFLICT … DO UPDATE`, so the same projection code runs on SQLite and PostgreSQL.
 *
 * Portable SQL, as every caller writes it:
 * - integers are `INTEGER` (small) or `BIGINT` (money in micros, epoch ms, positions); both come
 *   back as JS numbers on both adapters (values stay below 2^53); booleans are 0/1 integers;
 * - timestamps are ISO-8601 UTC text, compared as text; JSON is text, never a JSON type;
 * - no `AUTOINCREMENT`, no `INSERT OR REPLACE` / `OR IGNORE` (use `ON CONFLICT … DO NOTHING`),
 *   no engine functions (`json_extract`, `datetime()`, `strftime`, `now()` …): compute in JS;
 * - `RETURNING` works on both; a `?` never stands where the engine cannot infer its type
 *   (PostgreSQL would read an untyped parameter as text: `SELECT ? AS x` differs, `WHERE n = ?` does not);
 * - the few statements that must differ live in `dialect.ts`, chosen by `SqlDatabase.dialect`.
 */
export type SqlValue = string | number | bigint | null;

export interface SqlExecutor {
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  one<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
}

export interface SqlDatabase extends SqlExecutor {
  /** Which engine answers: the key into `dialect.ts`, for the few statements that are not portable. */
  readonly dialect: SqlDialect;
  /**
   * Runs `work` in one transaction: everything it wrote commits together, or nothing does.
   * Statements run outside `transaction` are single statements in autocommit; on SQLite (one
   * connection) they may land inside another caller's open transaction, so a write that must not
   * be rolled back with someone else's work goes through `transaction` too.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Streams rows without holding them all in memory. */
  iterate<Row>(sql: string, params?: readonly SqlValue[]): AsyncIterable<Row>;
  close(): Promise<void>;
}
