import { type RunningPlatform, startPlatform as startEmbedded } from '../../scripts/lib/platform-process';
import { startTopology } from '../../scripts/lib/topology';
import { TEST_KAFKA_BROKERS, createTestSchema } from './infra';

export * from '../../scripts/lib/platform-process';

/**
 * The platform a scenario talks to: the embedded default, or, with E2E_DEPLOYMENT=distributed (the
 * `distributed` Jest project), the whole distributed topology (every service its own process, Kafka,
 * PostgreSQL) behind its gateway: same API, same scenarios.
 */
export async function startPlatform(options: Parameters<typeof startEmbedded>[0] = {}): Promise<RunningPlatform> {
  if (process.env.E2E_DEPLOYMENT !== 'distributed') return startEmbedded(options);
  if (options.dataDir) throw new Error('a distributed platform has no DATA_DIR to restart on');
  const schema = await createTestSchema('e2e');
  const topology = await startTopology({ databaseUrl: schema.url, kafkaBrokers: TEST_KAFKA_BROKERS, env: options.env, keepLogs: options.keepLogs });
  return {
    ...topology,
    stop: async (signal) => {
      await topology.stop(signal);
      await schema.drop();
    },
  };
}
