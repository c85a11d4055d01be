import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, bootstrap, infrastructureFor, readConfig } from '@ventana/platform';
import { WindowPolicyModule } from './window-policy.module';

/** The window-policy service alone, on the same DATA_DIR as the others; the conversation service runs the projections. */
const config = readConfig();

@Module({
  imports: [infrastructureFor(config, { service: 'window-policy', workload: { reactors: true, projections: false } }), HealthModule.forRoot(), MetricsModule, WindowPolicyModule],
})
class ServiceModule {}

void bootstrap('window-policy', ServiceModule, config);
