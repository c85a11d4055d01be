import type { EventStore } from '@ventana/event-store';
import type { Subscription, Subscriptions } from '@ventana/subscriptions';
import type { Projection } from './projection';
import { migrate } from './sql/migrations';
import type { SqlDatabase } from './sql/sql-database';

/** The subscriber name of a projection (its checkpoint's, or its Kafka consumer group's). */
export const projectorName = (projection: string) => `projection-${projection}`;

/** The store's head position and, per projection, how many events of the log it has yet to apply. */
export interface ProjectionLag {
  head: number;
  projections: { name: string; behind: number | undefined }[];
}

/**
 * Keeps each projection caught up, one subscription per projection: on the store's log (embedded)
 * or a Kafka consumer group (distributed). Rows and checkpoint move in one transaction.
 */
export class ProjectionRunner {
  private readonly running = new Map<string, Subscription>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly subscriptions: Subscriptions,
    readonly projections: readonly Projection[],
    private readonly onError: (projection: string, error: unknown) => void = () => undefined,
  ) {}

  /** Applies every projection's pending schema migrations. */
  async migrate(): Promise<void> {
    for (const projection of this.projections) await migrate(this.db, projection.name, projection.migrations);
  }

  async start(): Promise<void> {
    await this.migrate();
    for (const projection of this.projections) this.startOne(projection);
  }

  private startOne(projection: Projection): void {
    this.running.set(
      projection.name,
      this.subscriptions.project({
        name: projectorName(projection.name),
        types: projection.eventTypes,
        db: this.db,
        handle: (batch, commit) =>
          commit(async (tx) => {
            for (const event of batch) await projection.apply(tx, event);
          }),
        onError: (error) => this.onError(projection.name, error),
      }),
    );
  }

  /** Read-your-writes for queries: whether every projection, wherever it runs, has handled the log up to `position`. */
  async caughtUp(position: number, timeoutMs = 2000): Promise<boolean> {
    const reached = await Promise.all(this.projections.map((p) => this.subscriptions.caughtUp(projectorName(p.name), position, timeoutMs)));
    return reached.every(Boolean);
  }

  /** Read-your-writes: waits (briefly) until every projection has seen everything already in the store. */
  async upToDate(timeoutMs = 2000): Promise<boolean> {
    return this.caughtUp(await this.store.headPosition(), timeoutMs);
  }

  /** How far each projection is behind the store's head (undefined where this process cannot see it). */
  async lag(): Promise<ProjectionLag> {
    const head = await this.store.headPosition();
    const projections = await Promise.all(
      this.projections.map(async (p) => ({ name: p.name, behind: await this.subscriptions.behind(projectorName(p.name), head) })),
    );
    return { head, projections };
  }

  /** Empties a projection and replays it from the start of the log (live reads see it refill). */
  async rebuild(name: string): Promise<void> {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) throw new Error(`no projection named ${name}`);
    await this.running.get(name)?.stop();
    await this.db.transaction(async (tx) => {
      for (const table of projection.tables) await tx.run(`DELETE FROM ${table}`);
      await this.subscriptions.rewind(tx, projectorName(name));
    });
    this.startOne(projection);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((s) => s.stop()));
    this.running.clear();
  }
}
