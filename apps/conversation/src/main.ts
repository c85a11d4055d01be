import { Module } from '@nestjs/common';
import { HealthModule, MetricsModule, bootstrap, infrastructureFor, readConfig } from '@ventana/platform';
import { ConversationModule } from './conversation.module';

/** The conversation service alone (it also runs the projections its queries read). */
const config = readConfig();

@Module({
  imports: [
    infrastructureFor(config, { service: 'conversation', workload: { reactors: true, projections: true } }),
    HealthModule.forRoot(),
    MetricsModule,
    ConversationModule.register({ testClock: config.testClock }),
  ],
})
class ConversationServiceModule {}

void bootstrap('conversation', ConversationServiceModule, config);
