import type { Command } from 'commander';
import { month, positiveInteger } from '../arguments';
import type { Deployment } from '../connection/connect';
import { EXIT, printJson, printLine, withDeployment } from '../connection/run-command';
import { Period } from '../period';
import { readBillingLog } from '../reconcile/billing-log';
import { cardFromFile, cardFromStore } from './alternative-card';
import { reprice } from './reprice';

interface RepriceFlags {
  card?: string;
  cardVersion?: number;
  from?: string;
  to?: string;
  json?: boolean;
}

export function registerReprice(program: Command): void {
  program
    .command('reprice')
    .description("what-if: price a period's delivered messages with another rate card and show the difference per business, market and category (writes nothing)")
    .option('--card <file>', 'the card, as JSON in the shape POST /v1/rate-cards takes')
    .option('--card-version <n>', 'a published card version (one not in force yet, for instance)', positiveInteger)
    .option('--from <yyyy-mm>', 'first month of deliveries (default: the first)', month)
    .option('--to <yyyy-mm>', 'last month, included (default: the last)', month)
    .option('--json', 'machine-readable output')
    .action(withDeployment(run));
}

async function run(deployment: Deployment, flags: RepriceFlags): Promise<number> {
  if (Boolean(flags.card) === Boolean(flags.cardVersion)) throw new Error('give exactly one of --card <file> and --card-version <n>');
  const card = flags.card ? cardFromFile(flags.card) : await cardFromStore(deployment.store, flags.cardVersion!);
  const period = new Period(flags.from, flags.to);
  const result = reprice(await readBillingLog(deployment.store, flags.json ? undefined : 'reprice'), period, card);
  if (flags.json) {
    printJson(result);
    return EXIT.ok;
  }
  printLine(`repricing of ${result.period} with ${flags.card ? `the card in ${flags.card}` : `rate card v${card.version}`}`);
  const header = ['business', 'market', 'category', 'messages', 'current µ$', 'repriced µ$', 'difference µ$'];
  const rows = result.lines.map((l) => [l.business_id, l.market, l.category, l.messages, l.current_micros, l.repriced_micros, signed(l.difference_micros)]);
  const t = result.total;
  rows.push(['total', '', '', t.messages, t.current_micros, t.repriced_micros, signed(t.difference_micros)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const format = (cells: (string | number)[]) => cells.map((c, i) => (i < 3 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  printLine(format(header));
  for (const row of rows) printLine(format(row));
  return EXIT.ok;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
