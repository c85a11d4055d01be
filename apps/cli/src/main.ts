import { Command } from 'commander';
import { registerExportBilling } from './export-billing/export-billing.command';
import { registerExportEvents } from './export-events/export-events.command';
import { registerReconcile } from './reconcile/reconcile.command';
import { registerReplay } from './replay/replay.command';
import { registerReprice } from './reprice/reprice.command';
import { registerStateAt } from './state-at/state-at.command';
import { registerStats } from './stats/stats.command';

/**
 * `npm run cli -- <command>`: the analysts' and finance's tools over the platform's own adapters,
 * against the embedded DATA_DIR or the distributed engines (EVENT_STORE, DATABASE_URL,
 * KAFKA_BROKERS), safe to run while the platform runs.
 */
const program = new Command('ventana')
  .description('Ventana analyst and finance command line')
  .showHelpAfterError()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

registerReplay(program);
registerExportEvents(program);
registerExportBilling(program);
registerStateAt(program);
registerStats(program);
registerReconcile(program);
registerReprice(program);

void program.parseAsync(process.argv);
