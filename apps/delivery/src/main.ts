import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, bootstrap, infrastructureFor, readConfig } from '@ventana/platform';
import { DeliveryModule } from './delivery.module';

/** The delivery service alone, on the same DATA_DIR as the others; the conversation service runs the projections. */
const config = readConfig();

@Module({
  imports: [infrastructureFor(config, { service: 'delivery', workload: { reactors: true, projections: false } }), HealthModule.forRoot(), MetricsModule, DeliveryModule],
})
class ServiceModule {}

void bootstrap('delivery', ServiceModule, config);
