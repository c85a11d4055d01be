import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, bootstrap, infrastructureFor, readConfig } from '@ventana/platform';
import { PricingModule } from './pricing.module';

/** The pricing service alone, on the same DATA_DIR as the others; the conversation service runs the projections. */
const config = readConfig();

@Module({
  imports: [infrastructureFor(config, { service: 'pricing', workload: { reactors: true, projections: false } }), HealthModule.forRoot(), MetricsModule, PricingModule],
})
class ServiceModule {}

void bootstrap('pricing', ServiceModule, config);
