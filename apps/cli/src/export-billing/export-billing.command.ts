import { type Command, Option } from 'commander';
import { EXPORT_FORMATS, type ExportFormat } from '@ventana/projections';
import { month } from '../arguments';
import type { Deployment } from '../connection/connect';
import { EXIT, withDeployment } from '../connection/run-command';
import { Progress } from '../output/progress';
import { writeText } from '../output/write-text';
import { Period } from '../period';
import { BILLING_EXPORTS, type BillingExport } from './billing-exports';

interface ExportFlags {
  format: ExportFormat;
  business?: string;
  month?: string;
  from?: string;
  to?: string;
  out?: string;
}

/** Redraws of the bar are cheap but not free: one per this many records. */
const PROGRESS_EVERY = 1000;

export function registerExportBilling(program: Command): void {
  for (const spec of BILLING_EXPORTS) {
    program
      .command(spec.command)
      .description(spec.description)
      .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('csv'))
      .option('--business <id>', "only this business's (default: every business, by business)")
      .addOption(new Option('--month <yyyy-mm>', 'only this month').argParser(month).conflicts(['from', 'to']))
      .option('--from <yyyy-mm>', 'first month (default: the first)', month)
      .option('--to <yyyy-mm>', 'last month, included (default: the last)', month)
      .option('--out <file>', 'write to this file instead of stdout (with a progress bar on stderr)')
      .action(withDeployment((deployment: Deployment, flags: ExportFlags) => exportBilling(spec, deployment, flags)));
  }
}

async function exportBilling(spec: BillingExport, deployment: Deployment, flags: ExportFlags): Promise<number> {
  const period = new Period(flags.month ?? flags.from, flags.month ?? flags.to);
  const db = deployment.readModels;
  if (!flags.out) {
    await writeText(spec.stream(db, flags.business, period, flags.format));
    return EXIT.ok;
  }
  const progress = new Progress(spec.command, await spec.count(db, flags.business, period), spec.unit);
  let written = 0;
  const onRecord = (records: number) => {
    written = records;
    if (records % PROGRESS_EVERY === 0) progress.update(records, records);
  };
  try {
    await writeText(spec.stream(db, flags.business, period, flags.format, onRecord), flags.out);
    progress.update(written, written);
  } finally {
    progress.stop();
  }
  process.stderr.write(`${written} ${spec.unit} written to ${flags.out}\n`);
  return EXIT.ok;
}
