import { type DynamicModule, Global, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { type EventStore, SqliteEventStore } from '@ventana/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, type SqlDatabase, SqliteDatabase } from '@ventana/projections';
import { ProgressBoard, StoreSubscriptions } from '@ventana/subscriptions';
import { AuthFailures } from '../access/auth-failures';
import { ReadinessChecks } from '../health/readiness';
import { createLogger } from '../logging/logger';
import { type Clock, TestClock, systemClock } from './clock';
import type { PlatformConfig } from './config';
import { CLOCK, CONFIG, DELIVERY_STATE, EVENT_STORE, PROJECTIONS, READ_MODELS, SUBSCRIPTIONS, WORKLOAD, type Workload } from './tokens';

const log = createLogger('projections');

/** Starts and stops the projections with the application, and reports the stores in readiness. */
class EmbeddedLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(DELIVERY_STATE) private readonly deliveryState: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(WORKLOAD) private readonly workload: Workload,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly progress: ProgressBoard,
    checks: ReadinessChecks,
  ) {
    checks.register({ name: 'event-store', check: async () => void (await store.headPosition()) });
    checks.register({ name: 'read-models', check: async () => void (await readModels.one('SELECT 1')) });
    checks.register({ name: 'delivery-state', check: async () => void (await deliveryState.one('SELECT 1')) });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.workload.projections) await this.projections.start();
    else await this.projections.migrate();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projections.stop();
    this.progress.close();
    if (this.clock instanceof TestClock) this.clock.close();
    await this.readModels.close();
    await this.deliveryState.close();
    await this.store.close();
  }
}

/**
 * The embedded adapters: the event store and the read models in SQLite files under DATA_DIR,
 * subscriptions by catching up on the store's own global log. Several threads or processes may
 * share one DATA_DIR (SQLite WAL), each with its own connections; exactly one should run the
 * projections. The main thread runs the files' WAL checkpoints; threads of one process wake each
 * other on appends and see each other's subscribers' progress (ProgressBoard).
 */
@Global()
@Module({})
export class EmbeddedInfrastructureModule {
  static forRoot(config: PlatformConfig, options: { workload: Workload }): DynamicModule {
    const walCheckpoints = isMainThread;
    return {
      module: EmbeddedInfrastructureModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: WORKLOAD, useValue: options.workload },
        {
          provide: EVENT_STORE,
          useFactory: () => {
            mkdirSync(config.dataDir, { recursive: true });
            return SqliteEventStore.open({ file: join(config.dataDir, 'events.db'), walCheckpoints });
          },
        },
        { provide: ProgressBoard, useFactory: () => new ProgressBoard(config.dataDir) },
        {
          provide: SUBSCRIPTIONS,
          inject: [EVENT_STORE, ProgressBoard],
          useFactory: (store: EventStore, progress: ProgressBoard) => new StoreSubscriptions(store, progress),
        },
        // Read models can be deleted and rebuilt from the log; delivery state cannot (it would resend every webhook).
        { provide: READ_MODELS, useFactory: () => new SqliteDatabase(join(config.dataDir, 'read-models.db'), { walCheckpoints }) },
        { provide: DELIVERY_STATE, useFactory: () => new SqliteDatabase(join(config.dataDir, 'delivery.db'), { walCheckpoints }) },
        {
          provide: PROJECTIONS,
          inject: [READ_MODELS, EVENT_STORE, SUBSCRIPTIONS],
          useFactory: (db: SqlDatabase, store: EventStore, subscriptions: StoreSubscriptions) =>
            new ProjectionRunner(db, store, subscriptions, ALL_PROJECTIONS, (name, error) =>
              log.error({ err: error, projection: name }, 'projection failed; retrying'),
            ),
        },
        {
          provide: CLOCK,
          inject: [EVENT_STORE],
          useFactory: (store: EventStore): Promise<Clock> | Clock => (config.testClock ? TestClock.load(store, config.dataDir) : systemClock),
        },
        // One per process: failed authentications are counted in memory (access/auth-failures.ts).
        AuthFailures,
        EmbeddedLifecycle,
      ],
      exports: [AuthFailures, CONFIG, EVENT_STORE, SUBSCRIPTIONS, READ_MODELS, DELIVERY_STATE, PROJECTIONS, CLOCK, WORKLOAD],
    };
  }
}
