import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@ventana/event-store';
import { CONFIG, EVENT_STORE, type PlatformConfig, createLogger, metricsRegistry } from '@ventana/platform';
import { Relay, kafkaClient, kafkaSettings } from '@ventana/subscriptions';
import { Counter, Gauge } from 'prom-client';

const log = createLogger('relay');

const relayedEvents = new Counter({ name: 'ventana_relay_events_total', help: 'Events the broker acknowledged', registers: [metricsRegistry] });
const relayedPosition = new Gauge({ name: 'ventana_relay_position', help: 'Global position of the last relayed event', registers: [metricsRegistry] });
const relayActive = new Gauge({ name: 'ventana_relay_active', help: '1 while this instance holds the lease and publishes', registers: [metricsRegistry] });

/** Runs the relay in this process: active while it holds the lease, standby otherwise. */
@Injectable()
class RelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: Relay;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(CONFIG) config: PlatformConfig) {
    const settings = kafkaSettings(process.env, 'ventana-relay');
    this.relay = new Relay({
      store,
      kafka: kafkaClient(settings, log),
      settings,
      leaseDatabaseUrl: config.databaseUrl!,
      log,
      onPublished: (events, position) => {
        relayedEvents.inc(events);
        relayedPosition.set(position);
      },
      onRoleChange: (role) => {
        relayActive.set(role === 'active' ? 1 : 0);
        log.info({ role }, 'relay role');
      },
    });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

@Module({ providers: [RelayLifecycle] })
export class RelayModule {}
