import type { EventStore } from '@ventana/event-store';
import { ALL_PROJECTIONS, type SqlDatabase, projectorName } from '@ventana/projections';
import type { Deployment } from '../connection/connect';
import { logPages } from '../log/log-pages';

export interface ProjectionLag {
  projection: string;
  /** Embedded: the log position the projector has applied up to. */
  checkpoint?: number;
  /** Events of the projection's types in the log and not applied yet (embedded), or records not consumed yet (Kafka). */
  behind: number;
}

/** How far behind the log each projection is, read from where its projector keeps its progress. */
export async function projectionLag(deployment: Deployment): Promise<ProjectionLag[]> {
  if (deployment.kafka) return kafkaLag(deployment);
  const head = await deployment.store.headPosition();
  const lags: ProjectionLag[] = [];
  for (const projection of ALL_PROJECTIONS) {
    const checkpoint = await checkpointOf(deployment.readModels, projectorName(projection.name));
    lags.push({ projection: projection.name, checkpoint, behind: await countAfter(deployment.store, checkpoint, head, projection.eventTypes) });
  }
  return lags;
}

async function checkpointOf(db: SqlDatabase, name: string): Promise<number> {
  const table = await tableExists(db, 'subscription_checkpoints');
  if (!table) return 0;
  return (await db.one<{ position: number }>(`SELECT position FROM subscription_checkpoints WHERE name = ?`, [name]))?.position ?? 0;
}

async function countAfter(store: EventStore, after: number, through: number, types: readonly string[]): Promise<number> {
  let n = 0;
  for await (const page of logPages(store, { after, through, types })) n += page.length;
  return n;
}

/** Per projector, the records of the topic past its committed offsets (its own table's, which it moves with its rows). */
async function kafkaLag(deployment: Deployment): Promise<ProjectionLag[]> {
  const { client, settings } = deployment.kafka!;
  const admin = client.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(settings.topic);
    const hasTable = await tableExists(deployment.readModels, 'subscription_offsets');
    const lags: ProjectionLag[] = [];
    for (const projection of ALL_PROJECTIONS) {
      const rows = hasTable
        ? await deployment.readModels.all<{ partition_id: number; next_offset: number }>(
            `SELECT partition_id, next_offset FROM subscription_offsets WHERE name = ? AND topic = ?`,
            [projectorName(projection.name), settings.topic],
          )
        : [];
      const next = new Map(rows.map((r) => [Number(r.partition_id), Number(r.next_offset)]));
      const behind = ends.reduce((sum, end) => sum + Math.max(0, Number(end.high) - (next.get(end.partition) ?? 0)), 0);
      lags.push({ projection: projection.name, behind });
    }
    return lags;
  } finally {
    await admin.disconnect();
  }
}

async function tableExists(db: SqlDatabase, table: string): Promise<boolean> {
  const sql =
    db.dialect === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`
      : `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`;
  return (await db.one(sql, [table])) !== undefined;
}
