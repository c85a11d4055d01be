import { type CatchUp, type EventStore, startCatchUp, startReactor } from '@ventana/event-store';
import { type SqlExecutor, migrate } from '@ventana/projections';
import type { ProjectorSpec, ReactorSpec, Subscription, Subscriptions } from '../subscriptions';

const CHECKPOINTS = `CREATE TABLE IF NOT EXISTS subscription_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)`;

/**
 * The embedded adapter: every subscriber catches up on the store's own global log. A reactor keeps
 * its checkpoint in the store; a projector keeps it in its own database, written in the same
 * transaction as its effects.
 */
export class StoreSubscriptions implements Subscriptions {
  private readonly running = new Map<string, Promise<CatchUp>>();

  constructor(private readonly store: EventStore) {}

  react(spec: ReactorSpec): Subscription {
    let reactor: CatchUp | undefined;
    const started = (spec.onAssigned?.() ?? Promise.resolve()).then(() => {
      reactor = startReactor({ ...spec, store: this.store });
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
        onError: spec.onError,
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
    if (!running) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const reached = running.then((c) => c.caughtUp(position)).then(() => true, () => false);
    try {
      return await Promise.race([reached, timeout]);
    } finally {
      clearTimeout(timer);
    }
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
