import Database from 'better-sqlite3';
import { WalCheckpointer } from '@ventana/event-store';
import type { SqlDatabase, SqlExecutor, SqlValue } from './sql-database';

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
  private readonly checkpointer: WalCheckpointer;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = new WalCheckpointer(file);
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

  run = this.executor.run;
  one = this.executor.one;
  all = this.executor.all;

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.executor);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async *iterate<Row>(sql: string, params: readonly SqlValue[] = []): AsyncIterable<Row> {
    // A fresh statement: an iterating statement cannot be shared with other queries meanwhile.
    for (const row of this.db.prepare(sql).iterate(...params)) yield row as Row;
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
    await this.checkpointer.stop();
  }
}
