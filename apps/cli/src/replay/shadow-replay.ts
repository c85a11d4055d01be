import type { RecordedEvent } from '@ventana/event-store';
import { type Projection, ShadowProjection, type SqlDatabase, type SqlExecutor, migrate } from '@ventana/projections';
import { Cut } from './cut';
import type { EventSource } from './event-source';
import type { LiveCheckpoint } from './live-checkpoint';

export interface ShadowReplayOptions {
  db: SqlDatabase;
  source: EventSource;
  projections: readonly Projection[];
  checkpoint: LiveCheckpoint;
  /**
   * 'live' (safe while the platform runs): the rebuild applies exactly what the live projector has
   * applied, caught up to its checkpoint inside the swap, so the projector goes on from where it
   * was. 'head': the whole log, and the checkpoint moves to the head in the swap (only when no
   * projector runs: a running one would apply again what the rebuild already holds).
   */
  until: 'live' | 'head';
  /** Progress bars on stderr. */
  progress?: boolean;
}

export interface ShadowReplayResult {
  /** Events applied per projection. */
  applied: Record<string, number>;
  /** Events read from the source (each read once for all projections). */
  eventsRead: number;
  /** Each projection's cut now live: the highest position it includes. */
  through: Record<string, number>;
}

/** Passes outside the swap stop once a pass applies fewer events than this: the rest is caught up under the lock. */
const CLOSE_ENOUGH = 2000;

/**
 * Rebuilds projections from the log (the store's, or the Kafka topic's) into shadow tables while
 * the live ones keep serving, then swaps them in, all of them in one transaction: the live rows are
 * replaced by rebuilt rows that hold exactly the events the live checkpoint names, so nothing is
 * applied twice or missed.
 */
export async function replayIntoShadow(options: ShadowReplayOptions): Promise<ShadowReplayResult> {
  const { db, source, checkpoint, until } = options;
  const shadows = options.projections.map((projection) => new ShadowProjection(projection));
  // The live tables exist before they are swapped out (as the platform's start would make them).
  for (const projection of options.projections) await migrate(db, projection.name, projection.migrations);
  await checkpoint.ensure(db);
  for (const shadow of shadows) await shadow.create(db);
  // This connection's page cache (the platform's connections keep theirs): a rebuild touches every page of its tables.
  if (db.dialect === 'sqlite') await db.run('PRAGMA cache_size = -131072');

  const run = new Run(source, shadows);
  try {
    const head = await source.head();
    for (let pass = 0; ; pass++) {
      const targets = until === 'head' ? shadows.map(() => head) : await liveCuts(checkpoint, db, shadows);
      const applied = await run.catchUp(targets, (work) => db.transaction(work), options.progress && pass === 0 ? 'replay' : undefined);
      if (until === 'head' || applied < CLOSE_ENOUGH) break;
    }
    await db.transaction(async (tx) => {
      // PostgreSQL: the live projectors' writes wait from here to commit (reads go on); SQLite's write lock is already held.
      if (db.dialect === 'postgres') await tx.run(`LOCK TABLE ${shadows.flatMap((s) => s.projection.tables).join(', ')} IN EXCLUSIVE MODE`);
      const finalHead = await source.head();
      const targets = until === 'head' ? shadows.map(() => finalHead) : await liveCuts(checkpoint, tx, shadows, true);
      await run.catchUp(targets, (work) => work(tx));
      for (const shadow of shadows) await shadow.swapIn(tx, db.dialect);
      if (until === 'head') for (const shadow of shadows) await checkpoint.moveTo(tx, shadow.name, finalHead.highest);
    });
  } catch (error) {
    for (const shadow of shadows) await shadow.drop(db).catch(() => undefined);
    throw error;
  }
  return {
    applied: Object.fromEntries(shadows.map((s, i) => [s.name, run.appliedBy[i]])),
    eventsRead: run.eventsRead,
    through: Object.fromEntries(shadows.map((s, i) => [s.name, run.cuts[i].highest])),
  };
}

/** Each shadow's live cut, read one after the other: inside the swap the reads share the transaction's one connection. */
async function liveCuts(checkpoint: LiveCheckpoint, tx: SqlExecutor, shadows: readonly ShadowProjection[], lock?: boolean): Promise<Cut[]> {
  const cuts: Cut[] = [];
  for (const shadow of shadows) cuts.push(await checkpoint.read(tx, shadow.name, lock));
  return cuts;
}

/** The shadows' progress: each one's cut so far, and how to move them all on together in one read of the source. */
class Run {
  readonly cuts: Cut[];
  readonly appliedBy: number[];
  eventsRead = 0;
  private readonly byType = new Map<string, number[]>();

  constructor(
    private readonly source: EventSource,
    private readonly shadows: readonly ShadowProjection[],
  ) {
    this.cuts = shadows.map(() => Cut.none);
    this.appliedBy = shadows.map(() => 0);
    shadows.forEach((shadow, i) => {
      for (const type of shadow.projection.eventTypes) this.byType.set(type, [...(this.byType.get(type) ?? []), i]);
    });
  }

  /** Applies every event the targets hold and the shadows do not yet, a page per `transaction`; resolves with how many. */
  async catchUp(targets: Cut[], transaction: (work: (tx: SqlExecutor) => Promise<void>) => Promise<void>, label?: string): Promise<number> {
    const moving = targets.flatMap((target, i) => (target.beyond(this.cuts[i]).through > 0 ? [i] : []));
    if (moving.length === 0) return 0;
    const types = [...new Set(moving.flatMap((i) => this.shadows[i].projection.eventTypes))];
    let applied = 0;
    const stretches = moving.map((i) => ({ from: this.cuts[i], to: targets[i] }));
    await this.source.read(stretches, { types, label }, async (page) => {
      this.eventsRead += page.length;
      await transaction(async (tx) => {
        for (const event of page) applied += await this.applyOne(tx, event, targets);
      });
    });
    targets.forEach((target, i) => (this.cuts[i] = target));
    return applied;
  }

  private async applyOne(tx: SqlExecutor, event: RecordedEvent, targets: Cut[]): Promise<number> {
    let applied = 0;
    for (const i of this.byType.get(event.type) ?? []) {
      if (!targets[i].includes(event) || this.cuts[i].includes(event)) continue;
      await this.shadows[i].apply(tx, event);
      this.appliedBy[i]++;
      applied++;
    }
    return applied;
  }
}
