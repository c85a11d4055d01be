import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { iso } from '@ventana/domain';
import { PostgresDatabase, type SqlDatabase, SqliteDatabase, chargesProjection, migrate } from '@ventana/projections';
import { businessIdFor } from '../libs/platform/src/runtime/streams';
import type { ExportRun } from './export-child';

/**
 * Export speed: a month of one business's charges (1,000,000 by default) in a fresh read-models
 * database, streamed to a CSV file by the export code of the API and the CLI, in a child process
 * that samples its own RSS as the export grows (flat memory: the figures at 100k and at 1M agree).
 * Embedded: SQLite in a temporary directory; PostgreSQL: a fresh schema.
 *
 * `npm run build && node dist/bench/export.js [charges]` (BENCH_DATABASE_URL for PostgreSQL; BENCH_EXPORT_SKIP_POSTGRES=1).
 */
export interface ExportFigures extends ExportRun {
  generate_seconds: number;
  charges_per_s: number;
}

const MONTH = '2026-03';
const BUSINESS = businessIdFor('15550000001');
/** Rows per INSERT: well below both engines' limits on parameters (11 a row). */
const BATCH = 500;
const COLUMNS = [
  'message_id',
  'business_id',
  'wa_id',
  'market',
  'category',
  'pricing_type',
  'amount_micros',
  'rate_card_version',
  'charged_at',
  'invoice_month',
  'billed_position',
];
/** Market × category and their prices in micros, as generated-log.ts's card has them. */
const PRICES = [
  ['IN', 'marketing', 10_700],
  ['GB', 'marketing', 52_900],
  ['ROW', 'marketing', 60_400],
  ['IN', 'utility', 5_000],
  ['GB', 'utility', 22_000],
  ['ROW', 'utility', 7_700],
  ['IN', 'authentication', 6_500],
  ['GB', 'authentication', 35_800],
  ['ROW', 'authentication', 7_500],
] as const;

/** One charge every 2.5 s of the month: 1,000,000 fit in its 31 days. */
function chargeRow(i: number): (string | number)[] {
  const [market, category, amount] = PRICES[i % PRICES.length];
  const messageId = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const waId = `${{ IN: '91', GB: '44', ROW: '55' }[market]}98${String(i % 5000).padStart(8, '0')}`;
  const chargedAt = iso(Date.parse(`${MONTH}-01T00:00:00.000Z`) + i * 2500);
  return [messageId, BUSINESS, waId, market, category, 'regular', amount, 1, chargedAt, MONTH, i + 1];
}

/** The charges projection's own schema, then the rows, many to a statement, in one transaction. */
async function generate(db: SqlDatabase, charges: number): Promise<number> {
  const started = performance.now();
  await migrate(db, chargesProjection.name, chargesProjection.migrations);
  const insert = (rows: number) =>
    `INSERT INTO charges (${COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${COLUMNS.map(() => '?').join(', ')})`).join(', ')}`;
  await db.transaction(async (tx) => {
    for (let first = 0; first < charges; first += BATCH) {
      const rows = Math.min(BATCH, charges - first);
      await tx.run(insert(rows), Array.from({ length: rows }, (_, k) => chargeRow(first + k)).flat());
    }
  });
  return (performance.now() - started) / 1000;
}

async function exportInChild(dialect: 'sqlite' | 'postgres', location: string, out: string): Promise<ExportRun> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(__dirname, 'export-child.js'), dialect, location, BUSINESS, MONTH, out],
    {
      maxBuffer: 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as ExportRun;
}

function figures(generateSeconds: number, run: ExportRun, expected: number, engine: string, log: (line: string) => void): ExportFigures {
  if (run.charges !== expected) throw new Error(`export (${engine}): ${run.charges} charges exported, ${expected} generated`);
  const charges_per_s = Math.round(run.charges / run.seconds);
  log(
    `export (${engine}): ${run.charges} charges to CSV (${(run.csv_bytes / 1024 / 1024).toFixed(0)} MB) in ${run.seconds.toFixed(2)} s = ${charges_per_s}/s; ` +
      `RSS MB by charges read ${JSON.stringify(run.rss_mb_at)}, peak ${run.peak_rss_mb}`,
  );
  return { ...run, seconds: round(run.seconds, 2), generate_seconds: round(generateSeconds, 1), charges_per_s };
}

export async function benchExportEmbedded(charges: number, log: (line: string) => void): Promise<ExportFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  const file = join(dir, 'read-models.db');
  try {
    log(`export (embedded): generating ${charges} charges in a fresh SQLite read-models database…`);
    const db = new SqliteDatabase(file);
    const generateSeconds = await generate(db, charges).finally(() => db.close());
    return figures(generateSeconds, await exportInChild('sqlite', file, join(dir, 'charges.csv')), charges, 'embedded', log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchExportPostgres(serverUrl: string, charges: number, log: (line: string) => void): Promise<ExportFigures> {
  const schema = `bench_export_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  try {
    log(`export (PostgreSQL): generating ${charges} charges in a fresh schema…`);
    const db = new PostgresDatabase(url.toString());
    const generateSeconds = await generate(db, charges).finally(() => db.close());
    return figures(generateSeconds, await exportInChild('postgres', url.toString(), join(dir, 'charges.csv')), charges, 'PostgreSQL', log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

if (require.main === module) {
  const charges = Number(process.argv[2] ?? 1_000_000);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  void (async () => {
    const embedded = await benchExportEmbedded(charges, log);
    const postgres =
      process.env.BENCH_EXPORT_SKIP_POSTGRES === '1'
        ? undefined
        : await benchExportPostgres(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', charges, log);
    log(JSON.stringify({ embedded, postgres }, null, 2));
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
