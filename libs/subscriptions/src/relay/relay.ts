import { type CatchUp, type EventStore, startCatchUp } from '@ventana/event-store';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { toKafkaRecord } from '../kafka/cloud-events';
import { ensureTopic, type KafkaSettings, partitionFor } from '../kafka/kafka-client';
import { routeOf } from '../kafka/routing';
import { Lease } from './lease';

export const RELAY_CHECKPOINT = 'relay';

export interface RelayOptions {
  store: EventStore;
  kafka: Kafka;
  settings: KafkaSettings;
  /** Where the lease lives (PostgreSQL). */
  leaseDatabaseUrl: string;
  log: Logger;
  /** Called after each batch the broker acknowledged. */
  onPublished?: (events: number, position: number) => void;
  onRoleChange?: (role: RelayRole) => void;
  batchSize?: number;
}

/** One active relay per topic: deployments that share a database but not a topic do not wait on each other. */
export const relayLeaseName = (topic: string) => `ventana-relay:${topic}`;

export type RelayRole = 'standby' | 'active' | 'stopped';

/**
 * Publishes the store's global log to Kafka, in log order, one batch at a time: the checkpoint
 * moves only after the broker acknowledged the batch (acks=all, idempotent producer), so a crash
 * republishes at most the batch in flight, and consumers drop what they already saw. Only the
 * holder of the lease publishes; the others wait as standbys.
 */
export class Relay {
  private readonly abort = new AbortController();
  private role: RelayRole = 'standby';
  private done?: Promise<void>;

  constructor(private readonly options: RelayOptions) {}

  start(): void {
    this.done = this.run();
  }

  get currentRole(): RelayRole {
    return this.role;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
    this.become('stopped');
  }

  private become(role: RelayRole): void {
    this.role = role;
    this.options.onRoleChange?.(role);
  }

  private async run(): Promise<void> {
    const { log, leaseDatabaseUrl } = this.options;
    while (!this.abort.signal.aborted) {
      let lost!: () => void;
      const leaseLost = new Promise<void>((resolve) => (lost = resolve));
      const lease = await Lease.acquire({ connectionString: leaseDatabaseUrl, name: relayLeaseName(this.options.settings.topic), onLost: lost, signal: this.abort.signal });
      if (!lease) return;
      // Stopped while the lease was being granted: hand it straight back.
      if (this.abort.signal.aborted) return lease.release();
      log.info('relay lease acquired: publishing');
      this.become('active');
      const stopped = new Promise<void>((resolve) => this.abort.signal.addEventListener('abort', () => resolve(), { once: true }));
      let publishing: { catchUp: CatchUp; producer: Producer } | undefined;
      try {
        publishing = await this.publish();
        await Promise.race([leaseLost, stopped]);
        if (!this.abort.signal.aborted) log.warn('relay lease lost: back to standby');
      } catch (error) {
        log.error({ err: error }, 'relay failed to start publishing; retrying');
      } finally {
        await publishing?.catchUp.stop();
        await publishing?.producer.disconnect().catch(() => undefined);
        await lease.release();
        this.become('standby');
      }
    }
  }

  private async publish(): Promise<{ catchUp: CatchUp; producer: Producer }> {
    const { store, kafka, settings, log, onPublished, batchSize = 500 } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    const partitions = await ensureTopic(admin, settings).finally(() => admin.disconnect());
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    const catchUp = startCatchUp({
      name: 'relay',
      store,
      batchSize,
      idleWaitMs: 250,
      startAfter: () => store.checkpoints.load(RELAY_CHECKPOINT),
      handle: async (batch) => {
        await producer.send({
          topic: settings.topic,
          acks: -1,
          messages: batch.map((event) => {
            const { key, partitionKey } = routeOf(event);
            return { ...toKafkaRecord(event, key), partition: partitionFor(partitionKey, partitions, settings.topic) };
          }),
        });
        const last = batch[batch.length - 1].position;
        await store.checkpoints.save(RELAY_CHECKPOINT, last);
        onPublished?.(batch.length, last);
      },
      onError: (error, attempt) => log.error({ err: error, attempt }, 'relaying a batch failed; retrying'),
    });
    return { catchUp, producer };
  }
}
