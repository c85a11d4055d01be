import Database from 'better-sqlite3';
import { StorageUnavailableError, WalCheckpointer, isStorageFailure } from '@ventana/event-store';
import type { SqlDatabase, SqlExecutor, SqlValue } from './sql-database';

/** How long a transaction waits for another connection's write lock before it fails. */
const LOCK_WAIT_MS = 10_000;

/**
 * SQLite adapter of the read-model port (embedded mode). better-sqlite3 is synchronous, so a
 * transaction is BEGIN … COMMIT on the one connection; a queue keeps transactions whose work
 * awaits from interleaving with each other.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly checkpointer: WalCheckpointer | undefined;

  /** `walCheckpoints`: whether this connection runs the file's checkpoints (one connection per file should). */
  constructor(file: string, { walCheckpoints = true }: { walCheckpoints?: boolean } = {}) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Never wait inside SQLite for another connection's write lock (it would block the event loop):
    // a transaction that finds the lock taken tries again a moment later (begin()).
    this.db.pragma('busy_timeout = 0');
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = walCheckpoints ? new WalCheckpointer(file) : undefined;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private readonly executor: SqlExecutor = {
    run: async (sql, params = []) => {
      if (params.length === 0 && /;\s*\S/.test(sql)) this.db.exec(sql);
      else this.statement(sql).run(...(params as SqlValue[]));
    },
    one: async <Row>(sql: string, params: readonly SqlValue[] = []) => this.statement(sql).get(...params) as Row | undefined,
    all: async <Row>(sql: string, params: readonly SqlValue[] = []) => this.statement(sql).all(...params) as Row[],
  };

  /** Outside a transaction a write still takes the write lock the patient way. */
  run = (sql: string, params: readonly SqlValue[] = []) => this.transaction((tx) => tx.run(sql, params));
  one = this.executor.one;
  all = this.executor.all;

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      await this.begin();
      try {
        const result = await work(this.executor);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw isStorageFailure(error) ? new StorageUnavailableError(error) : error;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** BEGIN IMMEDIATE, retried every millisecond while another connection holds the write lock. */
  private async begin(): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        this.db.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (isStorageFailure(error)) throw new StorageUnavailableError(error);
        if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  }

  async *iterate<Row>(sql: string, params: readonly SqlValue[] = []): AsyncIterable<Row> {
    // A fresh statement: an iterating statement cannot be shared with other queries meanwhile.
    for (const row of this.db.prepare(sql).iterate(...params)) yield row as Row;
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
    await this.checkpointer?.stop();
  }
}
