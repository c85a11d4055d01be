import type { RecordedEvent } from '@ventana/event-store';
import { type SqlDatabase, type SqlDialect, type SqlExecutor, migrate, projectorName } from '@ventana/projections';
import { partitionFor, routeOf } from '@ventana/subscriptions';
import { Cut } from './cut';

/**
 * Where a live projector keeps its progress, read (and, for a rebuild to the head, written) in the
 * read-model database, in the transaction that swaps the rebuilt tables in.
 */
export interface LiveCheckpoint {
  /** Creates the checkpoint table if the platform never did, under the same migration name as the platform's. */
  ensure(db: SqlDatabase): Promise<void>;
  /** The live projector's cut. Inside the swap, on PostgreSQL, also locks its rows until commit. */
  read(tx: SqlExecutor, projection: string, lock?: boolean): Promise<Cut>;
  /** Records that the projection has applied the whole log up to `head` (only when no live projector runs). */
  moveTo(tx: SqlExecutor, projection: string, head: number): Promise<void>;
}

const forUpdate = (dialect: SqlDialect, lock?: boolean) => (lock && dialect === 'postgres' ? ' FOR UPDATE' : '');
const CHECKPOINTS = `CREATE TABLE IF NOT EXISTS subscription_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)`;
const OFFSETS = `CREATE TABLE IF NOT EXISTS subscription_offsets (
  name TEXT NOT NULL, topic TEXT NOT NULL, partition_id INTEGER NOT NULL,
  next_offset BIGINT NOT NULL, last_position BIGINT NOT NULL,
  PRIMARY KEY (name, topic, partition_id))`;

/** The embedded projectors: one position per projector in `subscription_checkpoints`. */
export function storeCheckpoints(dialect: SqlDialect): LiveCheckpoint {
  return {
    ensure: async (db) => void (await migrate(db, 'subscription-checkpoints', [{ version: 1, statements: [CHECKPOINTS] }])),
    async read(tx, projection, lock) {
      const row = await tx.one<{ position: number }>(`SELECT position FROM subscription_checkpoints WHERE name = ?${forUpdate(dialect, lock)}`, [
        projectorName(projection),
      ]);
      return Cut.atPosition(row?.position ?? 0);
    },
    async moveTo(tx, projection, head) {
      await tx.run(
        `INSERT INTO subscription_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
        [projectorName(projection), head],
      );
    },
  };
}

/** The distributed projectors: per partition of the topic, the next offset and the last position applied, in `subscription_offsets`. */
export function kafkaOffsets(dialect: SqlDialect, topic: string, partitions: number): LiveCheckpoint {
  const byKey = new Map<string, number>();
  const partitionOf = (event: RecordedEvent) => {
    const { partitionKey } = routeOf(event);
    let partition = byKey.get(partitionKey);
    if (partition === undefined) byKey.set(partitionKey, (partition = partitionFor(partitionKey, partitions, topic)));
    return partition;
  };
  return {
    ensure: async (db) => void (await migrate(db, 'subscription-offsets', [{ version: 1, statements: [OFFSETS] }])),
    async read(tx, projection, lock) {
      const rows = await tx.all<{ partition_id: number; next_offset: number; last_position: number }>(
        `SELECT partition_id, next_offset, last_position FROM subscription_offsets WHERE name = ? AND topic = ?${forUpdate(dialect, lock)}`,
        [projectorName(projection), topic],
      );
      return Cut.perPartition(
        new Map(rows.map((r) => [Number(r.partition_id), Number(r.last_position)])),
        partitionOf,
        new Map(rows.map((r) => [Number(r.partition_id), Number(r.next_offset)])),
      );
    },
    async moveTo(tx, projection, head) {
      // Offset 0 with the head as last position: the projector reads its partitions again and drops
      // every record it finds at or below the head (as it drops the relay's re-publications).
      for (let partition = 0; partition < partitions; partition++) {
        await tx.run(
          `INSERT INTO subscription_offsets (name, topic, partition_id, next_offset, last_position) VALUES (?, ?, ?, 0, ?)
           ON CONFLICT (name, topic, partition_id) DO UPDATE SET next_offset = 0, last_position = excluded.last_position`,
          [projectorName(projection), topic, partition, head],
        );
      }
    },
  };
}
