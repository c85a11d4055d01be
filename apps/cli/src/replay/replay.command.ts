import { type Command, Option } from 'commander';
import { ALL_PROJECTIONS, type Projection } from '@ventana/projections';
import { ensureTopic } from '@ventana/subscriptions';
import type { Deployment } from '../connection/connect';
import { EXIT, printJson, printLine, withDeployment } from '../connection/run-command';
import type { EventSource } from './event-source';
import { KafkaTopic } from './kafka-topic';
import { type LiveCheckpoint, kafkaOffsets, storeCheckpoints } from './live-checkpoint';
import { replayIntoShadow } from './shadow-replay';
import { storeLog } from './store-log';

const SOURCES = ['store', 'kafka'] as const;

interface ReplayFlags {
  all?: boolean;
  toHead?: boolean;
  source: (typeof SOURCES)[number];
  json?: boolean;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('rebuild projections from the event log into shadow tables, then swap them in atomically (live reads go on meanwhile)')
    .argument('[projections...]', `projections to rebuild: ${ALL_PROJECTIONS.map((p) => p.name).join(', ')}`)
    .option('--all', 'every projection')
    .option('--to-head', 'replay the whole log and move the checkpoints to its head: only while no platform runs on these read models')
    .addOption(
      new Option('--source <source>', "read the events from the event store's log, or from the Kafka topic the distributed projectors consume")
        .choices(SOURCES)
        .default('store'),
    )
    .option('--json', 'machine-readable summary on stdout')
    .action(withDeployment(replay));
}

async function replay(deployment: Deployment, names: string[], flags: ReplayFlags): Promise<number> {
  const projections = chosen(names, flags.all);
  const checkpoint = await checkpointOf(deployment);
  const started = Date.now();
  const source = await sourceOf(deployment, flags.source);
  const result = await replayIntoShadow({
    db: deployment.readModels,
    source,
    projections,
    checkpoint,
    until: flags.toHead ? 'head' : 'live',
    progress: !flags.json,
  }).finally(() => source.close());
  const seconds = (Date.now() - started) / 1000;
  const summary = {
    ...result,
    source: flags.source,
    seconds,
    events_per_s: Math.round(result.eventsRead / seconds),
    swapped: projections.map((p) => p.name),
  };
  if (flags.json) printJson(summary);
  else {
    printLine(
      `replayed ${result.eventsRead} events from ${source.describe} in ${seconds.toFixed(1)} s (${summary.events_per_s} events/s) into shadow tables, swapped in:`,
    );
    for (const p of projections) printLine(`  ${p.name.padEnd(14)} ${String(result.applied[p.name]).padStart(9)} events applied, through position ${result.through[p.name]}`);
    if (!flags.toHead && Object.values(result.through).some((position) => position === 0))
      printLine('note: a projection whose live checkpoint is 0 was rebuilt empty; with the platform stopped, --to-head replays the whole log');
  }
  return EXIT.ok;
}

/** The Kafka topic exists only in the distributed deployment. */
async function sourceOf(deployment: Deployment, source: ReplayFlags['source']): Promise<EventSource> {
  if (source === 'store') return storeLog(deployment.store);
  if (!deployment.kafka) throw new Error('--source kafka needs the distributed deployment (KAFKA_BROKERS): the embedded one has no topic; replay from the store');
  return KafkaTopic.open(deployment.kafka.client, deployment.kafka.settings.topic, deployment.store);
}

function chosen(names: string[], all = false): Projection[] {
  if (all || names.length === 0) {
    if (!all) throw new Error('name the projections to rebuild, or pass --all');
    return [...ALL_PROJECTIONS];
  }
  return names.map((name) => {
    const projection = ALL_PROJECTIONS.find((p) => p.name === name);
    if (!projection) throw new Error(`no projection named ${name} (there are: ${ALL_PROJECTIONS.map((p) => p.name).join(', ')})`);
    return projection;
  });
}

/** The embedded projectors checkpoint a log position; the distributed ones Kafka offsets, per partition of the topic. */
export async function checkpointOf(deployment: Deployment): Promise<LiveCheckpoint> {
  if (!deployment.kafka) return storeCheckpoints(deployment.readModels.dialect);
  const { client, settings } = deployment.kafka;
  const admin = client.admin();
  await admin.connect();
  try {
    return kafkaOffsets(deployment.readModels.dialect, settings.topic, await ensureTopic(admin, settings));
  } finally {
    await admin.disconnect();
  }
}
