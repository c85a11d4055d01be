import type { DynamicModule } from '@nestjs/common';
import type { PlatformConfig } from './config';
import type { Workload } from './tokens';
import { DistributedInfrastructureModule } from './distributed-infrastructure.module';
import { EmbeddedInfrastructureModule } from './embedded-infrastructure.module';

/**
 * The adapters a service runs on, chosen by configuration: embedded (SQLite under DATA_DIR) unless
 * KAFKA_BROKERS is set. Services and their handlers are the same code either way.
 */
export function infrastructureFor(config: PlatformConfig, options: { service: string; workload: Workload }): DynamicModule {
  return config.deployment === 'distributed'
    ? DistributedInfrastructureModule.forRoot(config, options)
    : EmbeddedInfrastructureModule.forRoot(config, options);
}
