import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PostgresDatabase, type SqlDatabase, SqliteDatabase, exportCharges } from '@ventana/projections';

/**
 * The measured part of the export benchmark, in a process of its own so that its RSS is the
 * export's alone: streams one business's charges of a month to a CSV file with exportCharges
 * (what the API and `npm run cli -- export-charges` run), noting this process's RSS every
 * SAMPLE_EVERY charges read. Started by export.ts; answers with one JSON line on stdout.
 *
 * `node dist/bench/export-child.js <sqlite|postgres> <read-models file or url> <business id> <month> <out.csv>`
 */
export interface ExportRun {
  charges: number;
  seconds: number;
  csv_bytes: number;
  /** RSS in MB after this many charges were read, and before the first. */
  rss_mb_at: Record<number, number>;
  /** VmHWM: the highest RSS the process had, start-up included. */
  peak_rss_mb: number;
}

const SAMPLE_EVERY = 100_000;

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

async function run(db: SqlDatabase, businessId: string, month: string, out: string): Promise<ExportRun> {
  const rss: Record<number, number> = { 0: mb(process.memoryUsage.rss()) };
  let charges = 0;
  const onRecord = (n: number) => {
    charges = n;
    if (n % SAMPLE_EVERY === 0) rss[n] = mb(process.memoryUsage.rss());
  };
  const [year, mm] = month.split('-').map(Number);
  const filter = { businessId, from: `${month}-01T00:00:00.000Z`, to: new Date(Date.UTC(year, mm, 1)).toISOString() };
  const started = performance.now();
  await pipeline(exportCharges(db, filter, 'csv', onRecord), createWriteStream(out));
  const seconds = (performance.now() - started) / 1000;
  return { charges, seconds, csv_bytes: statSync(out).size, rss_mb_at: rss, peak_rss_mb: Math.round(peakRssMb() * 10) / 10 };
}

if (require.main === module) {
  const [dialect, location, businessId, month, out] = process.argv.slice(2);
  const db = dialect === 'postgres' ? new PostgresDatabase(location) : new SqliteDatabase(location, { walCheckpoints: false });
  run(db, businessId, month, out)
    .then((figures) => process.stdout.write(`${JSON.stringify(figures)}\n`))
    .finally(() => db.close())
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
