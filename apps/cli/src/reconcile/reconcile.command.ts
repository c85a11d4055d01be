import type { Command } from 'commander';
import { month } from '../arguments';
import type { Deployment } from '../connection/connect';
import { EXIT, printJson, printLine, withDeployment } from '../connection/run-command';
import { Period } from '../period';
import { checkpointOf } from '../replay/replay.command';
import { readBillingLog } from './billing-log';
import { readBillingReadModels } from './billing-read-models';
import { reconcile } from './differences';

interface ReconcileFlags {
  from?: string;
  to?: string;
  json?: boolean;
}

export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description(
      'prove a period: charge events = charges projection = invoice lines, and every charge traces to its delivery and its rate card; prints every difference, exits 1 when there is one',
    )
    .option('--from <yyyy-mm>', 'first month (default: the first)', month)
    .option('--to <yyyy-mm>', 'last month, included (default: the last)', month)
    .option('--json', 'machine-readable report')
    .action(withDeployment(run));
}

async function run(deployment: Deployment, flags: ReconcileFlags): Promise<number> {
  const period = new Period(flags.from, flags.to);
  // The read models first: the log read after them holds at least every event their checkpoint names.
  const readModels = await readBillingReadModels(deployment.readModels, await checkpointOf(deployment), period);
  const log = await readBillingLog(deployment.store, flags.json ? undefined : 'reconcile');
  const report = reconcile(period, log, readModels);
  if (flags.json) printJson(report);
  else {
    printLine(`reconciliation of ${report.period} (${deployment.describe})`);
    printLine(`  charge events      ${String(report.log.charges).padStart(9)} charges  ${String(report.log.total_micros).padStart(14)} micros`);
    printLine(`  charges projection ${String(report.projection.charges).padStart(9)} charges  ${String(report.projection.total_micros).padStart(14)} micros`);
    printLine(`  invoice lines      ${String(report.invoice_lines.messages).padStart(9)} messages ${String(report.invoice_lines.total_micros).padStart(14)} micros in ${report.invoice_lines.lines} lines`);
    if (report.not_yet_projected > 0) printLine(`  (${report.not_yet_projected} later charges not projected yet: left out of the comparison)`);
    for (const d of report.differences) printLine(`DIFFERENCE ${d.kind} ${d.subject}: ${d.detail}`);
    printLine(report.differences.length === 0 ? 'reconciled: no difference' : `${report.differences.length} difference(s)`);
  }
  return report.differences.length === 0 ? EXIT.ok : EXIT.differences;
}
