import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../contract/event-store.contract';
import type { NewEvent } from '../event';
import { WrongExpectedRevisionError } from '../event-store';
import { SqliteEventStore } from './sqlite-event-store';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-event-store-'));
  dirs.push(dir);
  return join(dir, 'events.db');
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const event = (type = 'Tested'): NewEvent => ({
  id: randomUUID(),
  type,
  data: { at: Date.now() },
  metadata: { time: new Date().toISOString(), correlationId: 'c', causationId: 'c' },
});

eventStoreContract('SqliteEventStore', () => SqliteEventStore.open({ file: tempFile() }));
eventStoreContract('SqliteEventStore (synchronous NORMAL)', () =>
  SqliteEventStore.open({ file: tempFile(), synchronous: 'NORMAL' }),
);

describe('SqliteEventStore on disk', () => {
  it('keeps everything across close and reopen, and positions continue', async () => {
    const file = tempFile();
    const first = await SqliteEventStore.open({ file });
    await first.append('order-1', [event(), event()], 'no_stream');
    await first.append('order-2', [event()], 'no_stream');
    await first.checkpoints.save('mailer', 2);
    const before = await first.readAll({ after: 0, limit: 100 });
    await first.close();

    const reopened = await SqliteEventStore.open({ file });
    try {
      expect(await reopened.readAll({ after: 0, limit: 100 })).toEqual(before);
      expect(await reopened.headPosition()).toBe(3);
      expect(await reopened.checkpoints.load('mailer')).toBe(2);
      expect((await reopened.readStream('order-1')).revision).toBe(1);
      await expect(reopened.append('order-1', [event()], 'no_stream')).rejects.toMatchObject({ actual: 1 });
      expect(await reopened.append('order-1', [event()], 1)).toEqual({ nextExpectedRevision: 2, position: 4 });
    } finally {
      await reopened.close();
    }
  });

  it('opens a file of the earlier schema (with its streams table) and checks revisions from the events themselves', async () => {
    const file = tempFile();
    const first = await SqliteEventStore.open({ file });
    await first.append('order-1', [event(), event()], 'no_stream');
    await first.close();
    // What earlier versions also kept: each stream's last revision, here deliberately stale.
    const raw = new Database(file);
    raw.exec(`CREATE TABLE streams (name TEXT PRIMARY KEY, revision INTEGER NOT NULL); INSERT INTO streams VALUES ('order-1', 0)`);
    raw.close();

    const reopened = await SqliteEventStore.open({ file });
    await expect(reopened.append('order-1', [event()], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(reopened.append('order-1', [event()], 1)).resolves.toMatchObject({ nextExpectedRevision: 2 });
    await reopened.close();
    const check = new Database(file, { readonly: true });
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE name = 'streams'`).all()).toEqual([]);
    check.close();
  });

  it('sees appends made through another connection to the same file', async () => {
    const file = tempFile();
    const writer = await SqliteEventStore.open({ file });
    const reader = await SqliteEventStore.open({ file });
    try {
      await writer.append('s', [event()], 'no_stream');
      expect(await reader.headPosition()).toBe(1);
      await expect(reader.append('s', [event()], 'no_stream')).rejects.toMatchObject({ actual: 0 });

      // Connections of one process (threads) wake each other: the wait ends long before its timeout.
      const started = Date.now();
      const waiting = reader.waitForAppend(1, 30_000);
      await writer.append('s', [event()], 0);
      await waiting;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await reader.readAll({ after: 1, limit: 10 })).toHaveLength(1);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('keeps its caches complete while another connection appends to the same streams', async () => {
    const file = tempFile();
    const a = await SqliteEventStore.open({ file });
    const b = await SqliteEventStore.open({ file, walCheckpoints: false });
    try {
      await a.append('shared', [event('A1')], 'no_stream');
      expect((await a.readStream('shared')).events.map((e) => e.type)).toEqual(['A1']); // now cached in a
      await b.append('shared', [event('B1')], 0);
      await b.append('other', [event('B2')], 'no_stream');
      await a.append('shared', [event('A2')], 1); // after B1, revision 1
      const shared = await a.readStream('shared');
      expect(shared.events.map((e) => [e.type, e.revision])).toEqual([['A1', 0], ['B1', 1], ['A2', 2]]);
      const log = await a.readAll({ after: 0, limit: 10 });
      expect(log.map((e) => [e.type, e.position])).toEqual([['A1', 1], ['B1', 2], ['B2', 3], ['A2', 4]]);
      expect(await b.readAll({ after: 0, limit: 10 })).toEqual(log);
      expect((await b.readStream('shared')).events).toEqual(shared.events);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('waits out another connection holding the write lock instead of failing the append', async () => {
    const file = tempFile();
    const store = await SqliteEventStore.open({ file });
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const appended = store.append('s', [event()], 'no_stream');
      await new Promise((r) => setTimeout(r, 50));
      other.exec('COMMIT');
      await expect(appended).resolves.toEqual({ nextExpectedRevision: 0, position: 1 });
    } finally {
      other.close();
      await store.close();
    }
  });

  it('releases pending waits on close', async () => {
    const store = await SqliteEventStore.open({ file: tempFile() });
    const started = Date.now();
    const waiting = store.waitForAppend(0, 60_000);
    await store.close();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
