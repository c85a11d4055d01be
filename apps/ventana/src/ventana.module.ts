import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule, MetricsModule, type PlatformConfig, type Workload, infrastructureFor } from '@ventana/platform';
import { ConversationModule } from '../../conversation/src/conversation.module';
import { WindowPolicyModule } from '../../window-policy/src/window-policy.module';
import { PricingModule } from '../../pricing/src/pricing.module';
import { DeliveryModule } from '../../delivery/src/delivery.module';

/**
 * The four services in one process: the embedded default (SQLite), or over Kafka and PostgreSQL
 * when configured so. `workload` says which background work this instance of it runs.
 */
@Module({})
export class VentanaModule {
  static register(config: PlatformConfig, workload: Workload, extra: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: VentanaModule,
      imports: [
        infrastructureFor(config, { service: 'ventana', workload }),
        HealthModule.forRoot(),
        MetricsModule,
        ConversationModule.register({ testClock: config.testClock }),
        WindowPolicyModule,
        PricingModule,
        DeliveryModule,
        ...extra,
      ],
    };
  }
}
