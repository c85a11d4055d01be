import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the platform keeps under DATA_DIR, inspected from the outside (the platform may be running). */

/** Number of events in the store, read through a read-only connection. */
export function countEvents(dataDir: string): number {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Every regular file under `dir`, recursively (including SQLite -wal and -shm files). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) return filesUnder(path);
    return stat.isFile() ? [path] : [];
  });
}

/** The files under `dir` whose bytes contain `needle` (UTF-8). */
export function filesContaining(dir: string, needle: string | Buffer): string[] {
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle;
  return filesUnder(dir).filter((file) => readFileSync(file).includes(bytes));
}

/** Copies the SQLite files of a (stopped) platform's DATA_DIR into a fresh temporary directory. */
export function copyDataDir(dataDir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'ventana-copy-'));
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name);
    if (statSync(path).isFile()) copyFileSync(path, join(copy, name));
  }
  return copy;
}

/** Every row of `table`, in a stable order, read read-only from a SQLite file. */
export function tableRows(file: string, table: string, orderBy: string): unknown[] {
  if (!existsSync(file)) throw new Error(`no database file ${file}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT * FROM ${table} ORDER BY ${orderBy}`).all();
  } finally {
    db.close();
  }
}
