import { Pool, type PoolClient, type PoolConfig, types as pgTypes } from 'pg';
import { unlessConnectionLost } from '@ventana/event-store';
import type { SqlDatabase, SqlExecutor, SqlValue } from './sql-database';

const INT8_OID = 20;
const NUMERIC_OID = 1700;
/** Rows fetched per round trip by `iterate`. */
const ITERATE_PAGE = 500;
/** Distinct SQL texts whose translation is kept (they are the program's constant strings, in practice). */
const TRANSLATION_CACHE_LIMIT = 2000;

/**
 * INT8 (BIGINT, count(*)) and NUMERIC (sum(bigint)) come back from PostgreSQL as strings; the
 * SQLite adapter returns numbers. On this pool (and only this pool: `types` is per client, the
 * process-wide `pg.types` stays untouched) they are parsed to JS numbers. Every integer the
 * platform stores (micro-dollars, epoch milliseconds, log positions, counts) stays far below 2^53;
 * one that does not is refused loudly instead of being rounded silently.
 */
const toNumber = (text: string): number => {
  const value = Number(text);
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new RangeError(`PostgreSQL returned ${text}, beyond the integers a JS number holds exactly (2^53)`);
  }
  return value;
};

const numericTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID ? toNumber : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
};

/**
 * Rewrites the port's `?` placeholders as PostgreSQL's `$1 … $n`, leaving alone every `?` inside
 * a string literal ('…', E'…'), a quoted identifier ("…"), a dollar-quoted body ($tag$…$tag$) or a
 * comment. (PostgreSQL's jsonb operators `?`, `?|`, `?&` are therefore not usable: portable SQL
 * does not use them.)
 */
export function toPostgresPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let i = 0;
  const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$]/.test(c);
  while (i < sql.length) {
    const c = sql[i];
    if (c === '?') {
      out += `$${++n}`;
      i++;
    } else if (c === "'") {
      // E'…' strings escape with backslashes; standard strings only by doubling the quote.
      const escapes = (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isWordChar(sql[i - 2]);
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (escapes && sql[j] === '\\') j++;
        else if (sql[j] === "'") {
          if (sql[j + 1] === "'") j++;
          else break;
        }
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === '"') {
          if (sql[j + 1] === '"') j++;
          else break;
        }
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const j = end === -1 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      // PostgreSQL block comments nest.
      let depth = 1;
      let j = i + 2;
      while (j < sql.length && depth > 0) {
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      out += sql.slice(i, j);
      i = j;
    } else if (c === '$' && !isWordChar(sql[i - 1])) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const j = end === -1 ? sql.length : end + tag[0].length;
        out += sql.slice(i, j);
        i = j;
      } else {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const toParams = (params: readonly SqlValue[]): (string | number | null)[] =>
  params.map((value) => (typeof value === 'bigint' ? value.toString() : value));

export interface PostgresDatabaseOptions extends PoolConfig {
  /** Errors of idle pooled connections (the pool drops them and opens fresh ones). Default: ignored. */
  onIdleError?: (error: Error) => void;
}

/**
 * PostgreSQL adapter of the read-model port (distributed mode), over a `pg.Pool`. A statement
 * outside a transaction runs on any pooled connection; a transaction holds one connection from
 * BEGIN to COMMIT/ROLLBACK; `iterate` reads through a server-side cursor, a page at a time.
 * Isolation is PostgreSQL's default, READ COMMITTED: callers that claim rows do it in one
 * statement (`UPDATE … WHERE ⟨condition⟩ RETURNING`), which PostgreSQL re-checks under row locks.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private readonly pool: Pool;
  private readonly translations = new Map<string, string>();
  private closed?: Promise<void>;

  constructor(options: string | PostgresDatabaseOptions) {
    const { onIdleError, ...config } = typeof options === 'string' ? ({ connectionString: options } as PostgresDatabaseOptions) : options;
    this.pool = new Pool({ max: 10, ...config, types: numericTypes });
    this.pool.on('error', (error) => onIdleError?.(error));
  }

  /** `?` → `$n`, translated once per distinct SQL text. */
  private translate(sql: string): string {
    let translated = this.translations.get(sql);
    if (translated === undefined) {
      translated = toPostgresPlaceholders(sql);
      if (this.translations.size >= TRANSLATION_CACHE_LIMIT) this.translations.clear();
      this.translations.set(sql, translated);
    }
    return translated;
  }

  private async query<Row>(client: Pool | PoolClient, sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    // Without parameters pg uses the simple protocol, which also runs several `;`-separated statements (DDL scripts).
    const result = await client.query(this.translate(sql), params.length === 0 ? undefined : toParams(params)).catch((error: unknown) => {
      throw unlessConnectionLost(error);
    });
    return (Array.isArray(result) ? (result[result.length - 1]?.rows ?? []) : result.rows) as Row[];
  }

  private executorOn(client: PoolClient, isOpen: () => boolean): SqlExecutor {
    const query = <Row>(sql: string, params: readonly SqlValue[] = []) => {
      if (!isOpen()) return Promise.reject(new Error('this transaction has already ended; use the executor only inside its work'));
      return this.query<Row>(client, sql, params);
    };
    return {
      run: async (sql, params) => void (await query(sql, params)),
      one: async <Row>(sql: string, params?: readonly SqlValue[]) => (await query<Row>(sql, params))[0],
      all: <Row>(sql: string, params?: readonly SqlValue[]) => query<Row>(sql, params),
    };
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.query(this.pool, sql, params);
  }

  async one<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row | undefined> {
    return (await this.query<Row>(this.pool, sql, params))[0];
  }

  all<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.query<Row>(this.pool, sql, params);
  }

  /**
   * A pooled connection for this caller alone. pg-pool listens for a connection's errors only while
   * it is idle; one that dies while checked out (server restart, failover, pg_terminate_backend)
   * would emit an unhandled 'error' and bring the process down. It is listened to here, its
   * queries fail, and `release` hands it back to be destroyed instead of reused.
   */
  private async checkout(): Promise<{ client: PoolClient; release(failure?: Error): void }> {
    const client = await this.pool.connect();
    let lost: Error | undefined;
    const onError = (error: Error) => (lost ??= error);
    client.on('error', onError);
    return {
      client,
      release: (failure) => {
        client.removeListener('error', onError);
        client.release(lost ?? failure);
      },
    };
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const { client, release } = await this.checkout().catch((error: unknown) => {
      throw unlessConnectionLost(error);
    });
    let open = true;
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(this.executorOn(client, () => open));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw unlessConnectionLost(error);
    } finally {
      open = false;
      // A connection whose ROLLBACK failed is in an unknown state: the pool destroys it.
      release(broken);
    }
  }

  async *iterate<Row>(sql: string, params: readonly SqlValue[] = []): AsyncIterable<Row> {
    const { client, release } = await this.checkout();
    let inTransaction = false;
    let broken: Error | undefined;
    try {
      // A cursor lives in a transaction; the connection is this iteration's alone, so one name does.
      await client.query('BEGIN');
      inTransaction = true;
      await client.query(
        `DECLARE ventana_iterate NO SCROLL CURSOR FOR ${this.translate(sql)}`,
        params.length === 0 ? undefined : toParams(params),
      );
      for (;;) {
        const { rows } = await client.query(`FETCH ${ITERATE_PAGE} FROM ventana_iterate`);
        for (const row of rows) yield row as Row;
        if (rows.length < ITERATE_PAGE) break;
      }
      await client.query('COMMIT');
      inTransaction = false;
    } finally {
      // Reached too when the consumer stops early (`break`) or a query failed: the cursor goes with the transaction.
      if (inTransaction) await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      release(broken);
    }
  }

  close(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }
}
