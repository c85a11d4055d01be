import { randomBytes } from 'node:crypto';
import { type RunningPlatform, type RunningProcess, startProcess } from './platform-process';

/** The distributed deployment on this machine: every service its own process, the public contract on the gateway. */
export type Service = 'relay' | 'conversation' | 'window-policy' | 'pricing' | 'delivery';

export interface TopologyOptions {
  databaseUrl: string;
  kafkaBrokers: string;
  /** Defaults to a fresh topic, so runs sharing a broker do not see each other. */
  topic?: string;
  /** The gateway's port (a free one if not given). */
  port?: number;
  instances?: Partial<Record<Service, number>>;
  env?: Record<string, string>;
  keepLogs?: boolean;
}

export interface RunningTopology extends RunningPlatform {
  /** The live processes; `restartProcess` replaces an entry. */
  processes: RunningProcess[];
  /** Stops one process (SIGKILL: a crash) and starts it again on its port; its peers keep running. */
  restartProcess(name: string, signal?: NodeJS.Signals): Promise<void>;
  topic: string;
  databaseUrl: string;
  restart(signal?: NodeJS.Signals): Promise<RunningTopology>;
}

const SERVICES: Service[] = ['relay', 'conversation', 'window-policy', 'pricing', 'delivery'];
const DEFAULT_INSTANCES: Record<Service, number> = { relay: 2, conversation: 1, 'window-policy': 1, pricing: 1, delivery: 2 };

export async function startTopology(options: TopologyOptions): Promise<RunningTopology> {
  const topic = options.topic ?? `ventana.events.${randomBytes(4).toString('hex')}`;
  const adminToken = options.env?.ADMIN_TOKEN ?? 'test-operator-token';
  const env = {
    CLOCK: 'test',
    EVENT_STORE: 'postgres',
    // The services sit behind the gateway on this machine: its X-Forwarded-For names the client (per-IP auth limits).
    TRUST_PROXY: 'loopback',
    ...options.env,
    ADMIN_TOKEN: adminToken,
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: options.kafkaBrokers,
    KAFKA_TOPIC: topic,
  };
  const instances = { ...DEFAULT_INSTANCES, ...options.instances };
  const processes: RunningProcess[] = [];
  const stopAll = async (signal?: NodeJS.Signals) => {
    const stopped = await Promise.allSettled([...processes].reverse().map((p) => p.stop(signal)));
    const failed = stopped.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    // Schemas first: one process migrates before its peers race to.
    // Each process names its PostgreSQL sessions (PGAPPNAME), so an operator, or a fault test, can tell them apart.
    const start = (name: string, app: string) =>
      startProcess({ name, app, env: { ...env, PGAPPNAME: `${topic}/${name}`.slice(0, 63) }, keepLogs: options.keepLogs });
    processes.push(await start('conversation#1', 'conversation'));
    const rest = SERVICES.flatMap((service) =>
      Array.from({ length: instances[service] - (service === 'conversation' ? 1 : 0) }, (_, i) => ({ service, n: i + 1 })),
    );
    processes.push(...(await Promise.all(rest.map(({ service, n }) => start(`${service}#${n}`, service)))));
    const urls = (service: Service) => processes.filter((p) => p.name.startsWith(`${service}#`)).map((p) => p.url).join(',');
    const gateway = await startProcess({
      name: 'gateway',
      app: 'gateway',
      env: {
        ...env,
        ...(options.port && { PORT: String(options.port) }),
        CONVERSATION_URL: urls('conversation'),
        PRICING_URL: urls('pricing'),
        DELIVERY_URL: urls('delivery'),
      },
      keepLogs: options.keepLogs,
      fixedPort: options.port,
    });
    processes.push(gateway);
    return {
      url: gateway.url,
      adminToken,
      dataDir: '',
      pid: gateway.pid,
      topic,
      databaseUrl: options.databaseUrl,
      processes,
      logs: () => processes.map((p) => `==== ${p.name}\n${p.logs()}`).join('\n'),
      stop: stopAll,
      restartProcess: async (name, signal) => {
        const index = processes.findIndex((p) => p.name === name);
        if (index < 0) throw new Error(`no process ${name} in this topology`);
        processes[index] = await processes[index].restart(signal);
      },
      restart: async (signal) => {
        await stopAll(signal);
        return startTopology({ ...options, topic });
      },
    };
  } catch (error) {
    await stopAll('SIGKILL');
    throw error;
  }
}
