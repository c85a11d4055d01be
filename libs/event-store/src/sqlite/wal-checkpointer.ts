import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection, so copying the WAL
 * into the database (and that copy's fsync) never blocks the event loop. The owning connection
 * turns its own automatic checkpoints off (`wal_autocheckpoint = 0`). PASSIVE checkpoints never
 * block writers; RESTART/TRUNCATE are not used for the same reason.
 */
const WORKER = `
  const { workerData, parentPort } = require('node:worker_threads');
  const Database = require(workerData.driver);
  const db = new Database(workerData.file);
  db.pragma('busy_timeout = 5000');
  const timer = setInterval(() => {
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { /* busy: next round */ }
  }, workerData.intervalMs);
  parentPort.on('message', () => { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); parentPort.close(); });
`;

export class WalCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, intervalMs = 1000) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, intervalMs, driver: require.resolve('better-sqlite3') } });
    this.worker.unref();
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.ref(); // keep the process alive until the final checkpoint is done
    this.worker.postMessage('stop');
    await exited;
  }
}
