import { type DynamicModule, Global, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type EventStore, SqliteEventStore } from '@ventana/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, type SqlDatabase, SqliteDatabase } from '@ventana/projections';
import { StoreSubscriptions } from '@ventana/subscriptions';
import { ReadinessChecks } from '../health/readiness';
import { createLogger } from '../logging/logger';
import { type Clock, TestClock, systemClock } from './clock';
import type { PlatformConfig } from './config';
import { CLOCK, CONFIG, DELIVERY_STATE, EVENT_STORE, PROJECTIONS, READ_MODELS, SUBSCRIPTIONS } from './tokens';

const log = createLogger('projections');

/** Starts and stops the projections with the application, and reports the stores in readiness. */
class EmbeddedLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(DELIVERY_STATE) private readonly deliveryState: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject('RUN_PROJECTIONS') private readonly runProjections: boolean,
    checks: ReadinessChecks,
  ) {
    checks.register({ name: 'event-store', check: async () => void (await store.headPosition()) });
    checks.register({ name: 'read-models', check: async () => void (await readModels.one('SELECT 1')) });
    checks.register({ name: 'delivery-state', check: async () => void (await deliveryState.one('SELECT 1')) });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.runProjections) await this.projections.start();
    else await this.projections.migrate();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projections.stop();
    await this.readModels.close();
    await this.deliveryState.close();
    await this.store.close();
  }
}

/**
 * The embedded adapters: the event store and the read models in SQLite files under DATA_DIR,
 * subscriptions by catching up on the store's own global log. Several processes may share one
 * DATA_DIR (SQLite WAL); exactly one of them should run the projections.
 */
@Global()
@Module({})
export class EmbeddedInfrastructureModule {
  static forRoot(config: PlatformConfig, options: { runProjections: boolean }): DynamicModule {
    return {
      module: EmbeddedInfrastructureModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: 'RUN_PROJECTIONS', useValue: options.runProjections },
        {
          provide: EVENT_STORE,
          useFactory: () => {
            mkdirSync(config.dataDir, { recursive: true });
            return SqliteEventStore.open({ file: join(config.dataDir, 'events.db') });
          },
        },
        { provide: SUBSCRIPTIONS, inject: [EVENT_STORE], useFactory: (store: EventStore) => new StoreSubscriptions(store) },
        // Read models can be deleted and rebuilt from the log; delivery state cannot (it would resend every webhook).
        { provide: READ_MODELS, useFactory: () => new SqliteDatabase(join(config.dataDir, 'read-models.db')) },
        { provide: DELIVERY_STATE, useFactory: () => new SqliteDatabase(join(config.dataDir, 'delivery.db')) },
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
          useFactory: (store: EventStore): Promise<Clock> | Clock => (config.testClock ? TestClock.load(store) : systemClock),
        },
        EmbeddedLifecycle,
      ],
      exports: [CONFIG, EVENT_STORE, SUBSCRIPTIONS, READ_MODELS, DELIVERY_STATE, PROJECTIONS, CLOCK],
    };
  }
}
