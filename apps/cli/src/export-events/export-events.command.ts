import { type Command, Option } from 'commander';
import type { EventStore, RecordedEvent } from '@ventana/event-store';
import { collect, isoTime } from '../arguments';
import type { Deployment } from '../connection/connect';
import { EXIT, withDeployment } from '../connection/run-command';
import { logEvents } from '../log/log-pages';
import { LineSink } from '../output/line-sink';
import { type EventFilter, matches } from './event-filter';
import { FORMATS, type Format } from './event-formats';

interface ExportFlags {
  stream: string[];
  category: string[];
  type: string[];
  from?: string;
  to?: string;
  format: Format;
  out?: string;
}

export function registerExportEvents(program: Command): void {
  program
    .command('export-events')
    .description('export events of the log, in log order, as NDJSON or CloudEvents JSON (one event per line); secrets are redacted')
    .option('--stream <name>', 'only this stream (repeatable)', collect, [])
    .option('--category <category>', 'only streams of this category, the name up to its first "-": message, conversation, business… (repeatable)', collect, [])
    .option('--type <type>', 'only this event type (repeatable, or comma-separated)', collect, [])
    .option('--from <time>', 'only events at or after this ISO-8601 time', isoTime)
    .option('--to <time>', 'only events before this ISO-8601 time', isoTime)
    .addOption(new Option('--format <format>', 'output format').choices(Object.keys(FORMATS)).default('ndjson'))
    .option('--out <file>', 'write to this file instead of stdout')
    .action(withDeployment(exportEvents));
}

async function exportEvents(deployment: Deployment, flags: ExportFlags): Promise<number> {
  const filter: EventFilter = { streams: flags.stream, categories: flags.category, types: flags.type, from: flags.from, to: flags.to };
  const sink = new LineSink(flags.out);
  const format = FORMATS[flags.format];
  try {
    for await (const event of candidates(deployment.store, filter, Boolean(flags.out))) if (matches(filter, event)) await sink.write(format(event));
  } finally {
    await sink.close();
  }
  if (flags.out) process.stderr.write(`${sink.lines} events written to ${flags.out}\n`);
  return EXIT.ok;
}

/** Named streams are read as streams (merged in log order); anything else is a read of the log, filtered by type in the store. */
async function* candidates(store: EventStore, filter: EventFilter, progress: boolean): AsyncGenerator<RecordedEvent> {
  if (filter.streams?.length) {
    const streams = await Promise.all(filter.streams.map((name) => store.readStream(name)));
    yield* streams.flatMap((s) => s.events).sort((a, b) => a.position - b.position);
    return;
  }
  yield* logEvents(store, { types: filter.types?.length ? filter.types : undefined, label: progress ? 'export' : undefined });
}
