import {
  type DynamicModule,
  Global,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type EventStore, EventStoreDbEventStore, PostgresEventStore, SqliteEventStore } from '@ventana/event-store';
import { ALL_PROJECTIONS, PostgresDatabase, ProjectionRunner, type SqlDatabase } from '@ventana/projections';
import { KafkaSubscriptions, kafkaClient, kafkaSettings } from '@ventana/subscriptions';
import type { Kafka } from 'kafkajs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AuthFailures } from '../access/auth-failures';
import { ReadinessChecks } from '../health/readiness';
import { createLogger } from '../logging/logger';
import { type Clock, TestClock, systemClock } from './clock';
import type { PlatformConfig } from './config';
import { CLOCK, CONFIG, DELIVERY_STATE, EVENT_STORE, PROJECTIONS, READ_MODELS, SUBSCRIPTIONS, WORKLOAD, type Workload } from './tokens';

const KAFKA = Symbol('Kafka');
const log = createLogger('infrastructure');

/** The event store EVENT_STORE names (SQLite only makes sense when every process shares one disk). */
export async function openEventStore(config: PlatformConfig): Promise<EventStore> {
  switch (config.eventStore) {
    case 'postgres':
      return PostgresEventStore.open({ connectionString: config.databaseUrl! });
    case 'eventstoredb':
      return EventStoreDbEventStore.open({ connectionString: config.eventStoreUrl! });
    case 'sqlite':
      mkdirSync(config.dataDir, { recursive: true });
      return SqliteEventStore.open({ file: join(config.dataDir, 'events.db') });
  }
}

/** Starts and stops what the process uses, and reports each dependency in readiness. */
class DistributedLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly db: SqlDatabase,
    @Inject(SUBSCRIPTIONS) private readonly subscriptions: KafkaSubscriptions,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(WORKLOAD) private readonly workload: Workload,
    checks: ReadinessChecks,
  ) {
    const admin = kafka.admin();
    let connected: Promise<void> | undefined;
    checks.register({ name: 'event-store', check: async () => void (await store.headPosition()) });
    checks.register({ name: 'postgres', check: async () => void (await db.one('SELECT 1')) });
    checks.register({
      name: 'kafka',
      check: async () => {
        connected ??= admin.connect().catch((error: unknown) => {
          connected = undefined;
          throw error;
        });
        await connected;
        await admin.describeCluster();
      },
    });
  }

  private following?: NodeJS.Timeout;

  async onApplicationBootstrap(): Promise<void> {
    if (this.workload.projections) await this.projections.start();
    else await this.projections.migrate();
    // Another process moves the test clock; background refreshes keep reactors close behind it.
    const clock = this.clock;
    if (clock instanceof TestClock) this.following = setInterval(() => void clock.refresh().catch(() => undefined), 200);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.following);
    await this.projections.stop();
    await this.subscriptions.close();
    await this.db.close();
    await this.store.close();
  }
}

/**
 * The distributed adapters: events in PostgreSQL (or EventStoreDB), subscriptions as Kafka consumer
 * groups fed by the relay, read models and delivery state in PostgreSQL. Any number of processes
 * of each service may run; the projections run in whichever service asks for them.
 */
@Global()
@Module({})
export class DistributedInfrastructureModule implements NestModule {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  /** With the test clock, every request first learns the latest advance, wherever it was made. */
  configure(consumer: MiddlewareConsumer): void {
    const clock = this.clock;
    if (!(clock instanceof TestClock)) return;
    const sync = (_req: unknown, _res: unknown, next: (error?: unknown) => void) => void clock.refresh().then(() => next(), next);
    consumer.apply(sync).forRoutes('*');
  }

  static forRoot(config: PlatformConfig, options: { service: string; workload: Workload }): DynamicModule {
    const settings = kafkaSettings(process.env, `ventana-${options.service}`);
    return {
      module: DistributedInfrastructureModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: WORKLOAD, useValue: options.workload },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        { provide: READ_MODELS, useFactory: () => new PostgresDatabase(config.databaseUrl!) },
        // Delivery's working state lives in the same database, in its own tables.
        { provide: DELIVERY_STATE, useExisting: READ_MODELS },
        { provide: KAFKA, useFactory: () => kafkaClient(settings, log) },
        {
          provide: SUBSCRIPTIONS,
          inject: [KAFKA, EVENT_STORE],
          useFactory: (kafka: Kafka, store: EventStore) => new KafkaSubscriptions(kafka, settings, store, log),
        },
        {
          provide: PROJECTIONS,
          inject: [READ_MODELS, EVENT_STORE, SUBSCRIPTIONS],
          useFactory: (db: SqlDatabase, store: EventStore, subscriptions: KafkaSubscriptions) =>
            new ProjectionRunner(db, store, subscriptions, ALL_PROJECTIONS, (name: string, error: unknown) =>
              log.error({ err: error, projection: name }, 'projection failed; retrying'),
            ),
        },
        {
          provide: CLOCK,
          inject: [EVENT_STORE],
          useFactory: (store: EventStore): Promise<Clock> | Clock => (config.testClock ? TestClock.load(store) : systemClock),
        },
        // One per process: failed authentications are counted in memory (access/auth-failures.ts).
        AuthFailures,
        DistributedLifecycle,
      ],
      exports: [AuthFailures, CONFIG, EVENT_STORE, SUBSCRIPTIONS, READ_MODELS, DELIVERY_STATE, PROJECTIONS, CLOCK, WORKLOAD],
    };
  }
}
