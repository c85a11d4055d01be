import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlDatabaseContract } from './sql-database.contract';
import { SqliteDatabase } from './sqlite-database';

sqlDatabaseContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-sql-contract-'));
  // One handle for the whole suite: two better-sqlite3 handles in one process would wait for each
  // other's locks synchronously (see SqlContractTarget.open); across processes SQLite's own locking serialises them.
  let shared: SqliteDatabase | undefined;
  return {
    dialect: 'sqlite',
    open: () => (shared ??= new SqliteDatabase(join(dir, 'contract.db'))),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
