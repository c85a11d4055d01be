import type { Command } from 'commander';
import { isoTime } from '../arguments';
import type { Deployment } from '../connection/connect';
import { EXIT, printJson, printLine, withDeployment } from '../connection/run-command';
import { logPages } from '../log/log-pages';
import { projectionLag } from './projection-lag';

interface StatsFlags {
  from?: string;
  to?: string;
  json?: boolean;
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('events per type per day (UTC, by event time), and how far behind the log each projection is')
    .option('--from <time>', 'count events at or after this ISO-8601 time', isoTime)
    .option('--to <time>', 'count events before this ISO-8601 time', isoTime)
    .option('--json', 'machine-readable output')
    .action(withDeployment(stats));
}

async function stats(deployment: Deployment, flags: StatsFlags): Promise<number> {
  const perDay = new Map<string, Map<string, number>>();
  const from = flags.from ? Date.parse(flags.from) : -Infinity;
  const to = flags.to ? Date.parse(flags.to) : Infinity;
  let total = 0;
  for await (const page of logPages(deployment.store, { label: flags.json ? undefined : 'stats', pageSize: 5000 })) {
    for (const event of page) {
      const time = Date.parse(event.metadata.time);
      if (time < from || time >= to) continue;
      const day = event.metadata.time.slice(0, 10);
      const types = perDay.get(day) ?? perDay.set(day, new Map()).get(day)!;
      types.set(event.type, (types.get(event.type) ?? 0) + 1);
      total++;
    }
  }
  const days = [...perDay.keys()].sort().map((day) => ({
    day,
    types: Object.fromEntries([...perDay.get(day)!].sort(([a], [b]) => a.localeCompare(b))),
  }));
  const lag = await projectionLag(deployment);
  if (flags.json) {
    printJson({ deployment: deployment.describe, head: await deployment.store.headPosition(), events: total, days, projections: lag });
    return EXIT.ok;
  }
  printLine(`${deployment.describe}: ${total} events`);
  for (const { day, types } of days) {
    printLine(day);
    for (const [type, n] of Object.entries(types)) printLine(`  ${type.padEnd(28)} ${String(n).padStart(9)}`);
  }
  printLine('projections (behind: events not applied yet)');
  for (const l of lag) printLine(`  ${l.projection.padEnd(14)} ${l.checkpoint === undefined ? '' : `checkpoint ${l.checkpoint}, `}behind ${l.behind}`);
  return EXIT.ok;
}
