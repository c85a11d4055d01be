import { type CatchUp, type EventStore, startCatchUp, startReactor } from '@ventana/event-store';
import { type SqlExecutor, migrate } from '@ventana/projections';
import type { ProjectorSpec, ReactorSpec, Subscription, Subscriptions } from '../subscriptions';
import type { ProgressBoard } from './progress-board';

/**
 * How long a subscriber, woken by an append, waits for more before it reads. Under load a
 * projection then commits tens of events in one transaction (its hot pages written once) instead
 * of one transaction per append; idle, it costs each event a few milliseconds of lag.
 */
const LINGER_MS = 5;

const CHECKPOINTS = `CREATE TABLE IF NOT EXISTS subscription_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)`;

/**
 * The embedded adapter: every subscriber catches up on the store's own global log. A reactor keeps
 * its checkpoint in the store; a projector keeps it in its own database, written in the same
 * transaction as its effects. With a progress board, subscribers running in another thread of the
 * process can be waited on too.
 */
export class StoreSubscriptions implements Subscriptions {
  private readonly running = new Map<string, Promise<CatchUp>>();

  constructor(
    private readonly store: EventStore,
    private readonly progress?: ProgressBoard,
  ) {}

  react(spec: ReactorSpec): Subscription {
    let reactor: CatchUp | undefined;
    const started = (spec.onAssigned?.() ?? Promise.resolve()).then(() => {
      reactor = startReactor({ ...spec, store: this.store, lingerMs: LINGER_MS, onAdvance: this.publisher(spec.name) });
    });
    return this.track(spec.name, started.then(() => reactor!));
  }

  project(spec: ProjectorSpec): Subscription {
    const { db, name } = spec;
    let catchUp: CatchUp | undefined;
    // Under the migration lock: several projectors (or processes) start at once.
    const started = migrate(db, 'subscription-checkpoints', [{ version: 1, statements: [CHECKPOINTS] }]).then(() => {
      catchUp = startCatchUp({
        name,
        store: this.store,
        types: spec.types,
        lingerMs: LINGER_MS,
        onError: spec.onError,
        onAdvance: this.publisher(name),
        startAfter: async () =>
          (await db.one<{ position: number }>(`SELECT position FROM subscription_checkpoints WHERE name = ?`, [name]))?.position ?? 0,
        handle: (batch) =>
          spec.handle(batch, (write) =>
            db.transaction(async (tx) => {
              await write(tx);
              await saveCheckpoint(tx, name, batch[batch.length - 1].position);
            }),
          ),
      });
    });
    return this.track(name, started.then(() => catchUp!));
  }

  async rewind(tx: SqlExecutor, name: string): Promise<void> {
    await tx.run(CHECKPOINTS);
    await tx.run(`DELETE FROM subscription_checkpoints WHERE name = ?`, [name]);
  }

  async caughtUp(name: string, position: number, timeoutMs = 2000): Promise<boolean> {
    const running = this.running.get(name);
    if (!running) return this.progress?.knows(name) ? this.progress.reached(name, position, timeoutMs) : true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const reached = running.then((c) => c.caughtUp(position)).then(() => true, () => false);
    try {
      return await Promise.race([reached, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The log's head minus how far the subscriber got (in this thread, or another one that published it). */
  async behind(name: string, head: number): Promise<number | undefined> {
    const running = this.running.get(name);
    const position = running ? (await running).position() : this.progress?.positionOf(name);
    return position === undefined || position < 0 ? undefined : Math.max(0, head - position);
  }

  private publisher(name: string) {
    const progress = this.progress;
    return progress && ((position: number) => progress.publish(name, position));
  }

  private track(name: string, catchUp: Promise<CatchUp>): Subscription {
    this.running.set(name, catchUp);
    return {
      stop: async () => {
        if (this.running.get(name) === catchUp) this.running.delete(name);
        await (await catchUp).stop();
      },
    };
  }
}

function saveCheckpoint(tx: SqlExecutor, name: string, position: number): Promise<void> {
  return tx.run(
    `INSERT INTO subscription_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    [name, position],
  );
}
