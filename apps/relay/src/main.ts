import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, bootstrap, infrastructureFor, readConfig } from '@ventana/platform';
import { RelayModule } from './relay.module';

/** The relay: the store's global log onto Kafka. Run two; one publishes, the other stands by. */
const config = readConfig();
if (config.deployment !== 'distributed') throw new Error('the relay belongs to the distributed deployment: set KAFKA_BROKERS and DATABASE_URL');

@Module({
  imports: [infrastructureFor(config, { service: 'relay', workload: { reactors: false, projections: false } }), HealthModule.forRoot(), MetricsModule, RelayModule],
})
class RelayServiceModule {}

void bootstrap('relay', RelayServiceModule, config);
