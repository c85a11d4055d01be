import { type SqlDatabase, type SqlExecutor, migrate } from '@ventana/projections';

/**
 * A projector's Kafka progress, kept in its own database beside its rows: per partition, the next
 * offset to read and the last global position applied (relay re-publications carry positions
 * already seen, and are dropped by it).
 */
export interface PartitionProgress {
  nextOffset: number;
  lastPosition: number;
}

const TABLE = `CREATE TABLE IF NOT EXISTS subscription_offsets (
  name TEXT NOT NULL, topic TEXT NOT NULL, partition_id INTEGER NOT NULL,
  next_offset BIGINT NOT NULL, last_position BIGINT NOT NULL,
  PRIMARY KEY (name, topic, partition_id))`;

export class ConsumerOffsets {
  constructor(
    private readonly db: SqlDatabase,
    private readonly name: string,
    private readonly topic: string,
  ) {}

  /** Under the migration lock: projectors of several processes start at once, and concurrent CREATE TABLEs collide. */
  async migrate(): Promise<void> {
    await migrate(this.db, 'subscription-offsets', [{ version: 1, statements: [TABLE] }]);
  }

  async load(partition: number): Promise<PartitionProgress> {
    const row = await this.db.one<{ next_offset: number; last_position: number }>(
      `SELECT next_offset, last_position FROM subscription_offsets WHERE name = ? AND topic = ? AND partition_id = ?`,
      [this.name, this.topic, partition],
    );
    return { nextOffset: Number(row?.next_offset ?? 0), lastPosition: Number(row?.last_position ?? 0) };
  }

  save(tx: SqlExecutor, partition: number, progress: PartitionProgress): Promise<void> {
    return tx.run(
      `INSERT INTO subscription_offsets (name, topic, partition_id, next_offset, last_position) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name, topic, partition_id) DO UPDATE SET next_offset = excluded.next_offset, last_position = excluded.last_position`,
      [this.name, this.topic, partition, progress.nextOffset, progress.lastPosition],
    );
  }

  /** Forgets every partition's progress (a rebuild), inside the caller's transaction. */
  static async forget(tx: SqlExecutor, name: string): Promise<void> {
    await tx.run(TABLE);
    await tx.run(`DELETE FROM subscription_offsets WHERE name = ?`, [name]);
  }
}
